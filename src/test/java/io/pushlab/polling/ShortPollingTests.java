package io.pushlab.polling;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.support.Api;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

// 1100 short messages in one room: a history budget (history-bytes, and few rooms so the
// heap's share per room is large) that holds them all
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.history-size=1500", "pushlab.history-bytes=8388608", "pushlab.rooms.max=20",
				"pushlab.rooms.max-per-address=20" })
@ActiveProfiles("test")
class ShortPollingTests {

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	private static List<Long> ids(JsonNode page) {
		List<Long> ids = new ArrayList<>();
		page.get("messages").forEach((message) -> ids.add(message.get("id").asLong()));
		return ids;
	}

	@Test
	void anEmptyRoomAnswersNoMessagesAndLastZero() {
		JsonNode page = this.api.getJson("/api/rooms/sp-empty/messages");
		assertThat(page.get("room").asString()).isEqualTo("sp-empty");
		assertThat(page.get("messages").size()).isZero();
		assertThat(page.get("last").asLong()).isZero();
		assertThat(page.get("gap").asBoolean()).isFalse();
	}

	@Test
	void afterAndLimitPageThroughTheRoomOldestFirst() {
		for (int i = 1; i <= 7; i++) {
			this.api.publish("sp-cursor", "alice", "m" + i);
		}
		JsonNode all = this.api.getJson("/api/rooms/sp-cursor/messages");
		assertThat(ids(all)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
		assertThat(all.get("last").asLong()).isEqualTo(7);
		assertThat(all.get("messages").get(0).get("text").asString()).isEqualTo("m1");
		JsonNode page = this.api.getJson("/api/rooms/sp-cursor/messages?after=2&limit=3");
		assertThat(ids(page)).containsExactly(3L, 4L, 5L);
		assertThat(page.get("last").asLong()).isEqualTo(7);
		assertThat(page.get("gap").asBoolean()).isFalse();
		assertThat(ids(this.api.getJson("/api/rooms/sp-cursor/messages?after=7"))).isEmpty();
		assertThat(ids(this.api.getJson("/api/rooms/sp-cursor/messages?after=100"))).isEmpty();
	}

	@Test
	void theDefaultLimitIs100AndLargerLimitsAreClampedTo1000() {
		for (int i = 1; i <= 1100; i++) {
			this.api.publish("sp-limit", "alice", "m" + i);
		}
		assertThat(ids(this.api.getJson("/api/rooms/sp-limit/messages"))).hasSize(100).startsWith(1L).endsWith(100L);
		assertThat(ids(this.api.getJson("/api/rooms/sp-limit/messages?limit=5000"))).hasSize(1000)
			.startsWith(1L)
			.endsWith(1000L);
	}

	@Test
	void badCursorsAreRejectedNamingTheField() {
		HttpResponse<String> negative = this.api.get("/api/rooms/sp-bad/messages?after=-1");
		assertThat(negative.statusCode()).isEqualTo(400);
		assertThat(negative.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.parse(negative.body()).get("detail").asString()).startsWith("after:");
		HttpResponse<String> text = this.api.get("/api/rooms/sp-bad/messages?after=abc");
		assertThat(text.statusCode()).isEqualTo(400);
		assertThat(Api.parse(text.body()).get("detail").asString()).startsWith("after:");
		HttpResponse<String> limit = this.api.get("/api/rooms/sp-bad/messages?limit=0");
		assertThat(limit.statusCode()).isEqualTo(400);
		assertThat(Api.parse(limit.body()).get("detail").asString()).startsWith("limit:");
		HttpResponse<String> room = this.api.get("/api/rooms/Bad_Room/messages");
		assertThat(room.statusCode()).isEqualTo(400);
		assertThat(Api.parse(room.body()).get("detail").asString()).startsWith("room:");
	}

}
