package io.pushlab.rooms;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pushlab.history-bytes} bounds a room's history in memory: large texts posted
 * without pause keep only the newest that fit, and the reader sees a gap.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.history-bytes=262144")
@ActiveProfiles("test")
class HistoryBytesTests {

	@LocalServerPort
	int port;

	@Test
	void largeTextsKeepOnlyTheNewestWithinTheByteBudgetAndTheReaderSeesAGap() {
		Api api = new Api(this.port);
		String big = "😀".repeat(2000);
		for (int i = 1; i <= 40; i++) {
			assertThat(api.publish("history-bytes", "squatter", big).get("id").asLong()).isEqualTo(i);
		}
		JsonNode page = api.getJson("/api/rooms/history-bytes/messages?after=0&limit=100");
		JsonNode messages = page.get("messages");
		// a 2000-emoji message counts about 42 KB: 256 KiB holds 6 of the 40
		assertThat(messages.size()).isBetween(4, 7);
		assertThat(page.get("gap").asBoolean()).isTrue();
		assertThat(page.get("last").asLong()).isEqualTo(40);
		assertThat(messages.get(messages.size() - 1).get("id").asLong()).isEqualTo(40);
		assertThat(messages.get(0).get("id").asLong()).isEqualTo(40 - messages.size() + 1);
		assertThat(api.get("/api/rooms/history-bytes/messages/1").statusCode()).isEqualTo(404);
		assertThat(api.getJson("/api/rooms/history-bytes/messages/40").get("text").asString()).isEqualTo(big);
	}

}
