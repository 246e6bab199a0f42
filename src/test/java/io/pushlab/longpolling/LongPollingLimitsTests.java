package io.pushlab.longpolling;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.pushlab.support.Api;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.history-size=30", "pushlab.long-polling.queue-capacity=20",
				"pushlab.long-polling.client-ttl=600ms", "pushlab.long-polling.timeout=1s" })
@ActiveProfiles("test")
class LongPollingLimitsTests {

	@LocalServerPort
	int port;

	@Autowired
	ClientQueues queues;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void whatTheRoomNoLongerRetainsWhileTheClientIsAwayIsReportedAsGap() {
		String room = "lp-overflow";
		String client = "overflow-client";
		assertThat(
				this.api.get("/api/rooms/" + room + "/longpoll?client=" + client + "&after=0&timeout=0").statusCode())
			.isEqualTo(204);
		for (int i = 1; i <= 50; i++) {
			this.api.publish(room, "alice", "m" + i);
		}
		HttpResponse<String> response = this.api
			.get("/api/rooms/" + room + "/longpoll?client=" + client + "&after=0&timeout=1000");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode page = Api.parse(response.body());
		assertThat(page.get("gap").asBoolean()).isTrue();
		List<Long> ids = new ArrayList<>();
		page.get("messages").forEach((message) -> ids.add(message.get("id").asLong()));
		// an idle queue holds no copy: the answer is read from the room's history, which
		// keeps the newest 30
		assertThat(ids).hasSize(30).startsWith(21L).endsWith(50L);
		assertThat(page.get("last").asLong()).isEqualTo(50);
		// the gap is reported once
		this.api.publish(room, "alice", "m51");
		JsonNode next = Api
			.parse(this.api.get("/api/rooms/" + room + "/longpoll?client=" + client + "&after=50&timeout=1000").body());
		assertThat(next.get("gap").asBoolean()).isFalse();
		assertThat(next.get("messages").get(0).get("id").asLong()).isEqualTo(51);
	}

	@Test
	void aQueueWhoseClientStopsPollingIsEvicted() {
		String room = "lp-idle";
		assertThat(this.api.get("/api/rooms/" + room + "/longpoll?client=idle-client&timeout=0").statusCode())
			.isEqualTo(204);
		assertThat(this.queues.holds("idle-client", room)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.queues.holds("idle-client", room));
	}

	@Test
	void aRequestedTimeoutMayOnlyShortenTheConfiguredOne() {
		CompletableFuture<HttpResponse<String>> parked = this.api.http()
			.sendAsync(HttpRequest
				.newBuilder(this.api.uri("/api/rooms/lp-short/longpoll?client=short-timeout&timeout=600000"))
				.build(), HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(10)).until(parked::isDone);
		assertThat(parked.join().statusCode()).isEqualTo(204);
	}

}
