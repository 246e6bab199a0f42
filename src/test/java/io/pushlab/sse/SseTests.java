package io.pushlab.sse;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.support.Api;
import io.pushlab.support.RawSse;
import io.pushlab.support.SseClient;
import io.pushlab.support.SseClient.Event;
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
		properties = { "pushlab.sse.heartbeat=300ms", "pushlab.sse.buffer-size=100", "pushlab.max-text-length=8000" })
@ActiveProfiles("test")
class SseTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	SseStreams streams;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	private URI events(String room) {
		return this.api.uri("/api/rooms/" + room + "/events");
	}

	private static List<Long> ids(List<Event> events) {
		List<Long> ids = new ArrayList<>();
		for (Event event : events) {
			assertThat(event.event()).isEqualTo("message");
			JsonNode message = Api.parse(event.data());
			assertThat(event.id()).isEqualTo(message.get("id").asString());
			ids.add(message.get("id").asLong());
		}
		return ids;
	}

	private static List<Long> range(long from, long to) {
		List<Long> ids = new ArrayList<>();
		for (long id = from; id <= to; id++) {
			ids.add(id);
		}
		return ids;
	}

	@Test
	void aHeadRequestGetsTheStreamsHeadersAndLeavesNoStreamOpen() {
		long before = openStreams();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> response = this.api.send(HttpRequest.newBuilder(events("sse-head"))
				.timeout(WAIT)
				.method("HEAD", BodyPublishers.noBody())
				.build());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache, no-transform");
		}
		assertThat(openStreams()).isEqualTo(before);
		HttpResponse<String> invalid = this.api.send(HttpRequest.newBuilder(events("Not_A_Room"))
			.timeout(WAIT)
			.method("HEAD", BodyPublishers.noBody())
			.build());
		assertThat(invalid.statusCode()).isEqualTo(400);
	}

	private long openStreams() {
		return this.api.getJson("/api/stats").get("techniques").get("sse").get("open").asLong();
	}

	@Test
	void theStreamAnnouncesRetryAndSetsHeadersThatStopProxyBuffering() throws Exception {
		try (SseClient client = SseClient.connect(events("sse-headers"), null)) {
			HttpResponse<?> response = client.response();
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache, no-transform");
			assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
			Event first = client.next(WAIT);
			assertThat(first).isNotNull();
			assertThat(first.retry()).isEqualTo("3000");
			this.api.publish("sse-headers", "alice", "live");
			List<Event> live = client.nextMessages(1, WAIT);
			assertThat(live).hasSize(1);
			assertThat(Api.parse(live.get(0).data()).get("text").asString()).isEqualTo("live");
		}
	}

	@Test
	void aClientThatReconnectsWithLastEventIdGetsExactlyWhatItMissedThenLiveMessages() throws Exception {
		String room = "sse-resume";
		String lastId;
		try (SseClient client = SseClient.connect(events(room), null)) {
			client.next(WAIT);
			for (int i = 1; i <= 50; i++) {
				this.api.publish(room, "alice", "m" + i);
			}
			List<Event> first = client.nextMessages(50, WAIT);
			assertThat(ids(first)).isEqualTo(range(1, 50));
			lastId = first.get(first.size() - 1).id();
		}
		for (int i = 51; i <= 100; i++) {
			this.api.publish(room, "alice", "m" + i);
		}
		try (SseClient client = SseClient.connect(events(room), lastId)) {
			List<Event> missed = client.nextMessages(50, WAIT);
			assertThat(ids(missed)).isEqualTo(range(51, 100));
			this.api.publish(room, "alice", "m101");
			assertThat(ids(client.nextMessages(1, WAIT))).containsExactly(101L);
			assertThat(client.drain()).allSatisfy((event) -> assertThat(event.data()).isNull());
		}
	}

	@Test
	void theLastEventIdQueryParameterWorksForManualTestsAndTheHeaderWins() throws Exception {
		String room = "sse-query";
		for (int i = 1; i <= 5; i++) {
			this.api.publish(room, "alice", "m" + i);
		}
		try (SseClient client = SseClient.connect(this.api.uri("/api/rooms/" + room + "/events?lastEventId=3"), null)) {
			assertThat(ids(client.nextMessages(2, WAIT))).containsExactly(4L, 5L);
		}
		try (SseClient client = SseClient.connect(this.api.uri("/api/rooms/" + room + "/events?lastEventId=1"), "4")) {
			assertThat(ids(client.nextMessages(1, WAIT))).containsExactly(5L);
		}
	}

	@Test
	void heartbeatCommentsArriveOnAnIdleStream() throws Exception {
		try (SseClient client = SseClient.connect(events("sse-heartbeat"), null)) {
			List<String> comments = new ArrayList<>();
			await().atMost(WAIT).until(() -> {
				Event event = client.next(Duration.ofMillis(200));
				if (event != null && event.comment() != null) {
					comments.add(event.comment());
				}
				return comments.size() >= 2;
			});
			assertThat(comments).containsOnly("keep-alive");
		}
	}

	@Test
	void aClientThatDisconnectsIsRemovedFromTheRegistry() throws Exception {
		Socket one = RawSse.open(this.port, "sse-gone");
		Socket two = RawSse.open(this.port, "sse-gone");
		await().atMost(WAIT).until(() -> this.streams.size("sse-gone") == 2);
		assertThat(this.api.getJson("/api/stats").at("/techniques/sse/open").asLong()).isGreaterThanOrEqualTo(2);
		one.close();
		two.close();
		// the next heartbeat (or message) fails to write and the stream is removed
		await().atMost(WAIT).until(() -> this.streams.size("sse-gone") == 0);
	}

	@Test
	void aClientThatStopsReadingIsDroppedAndDoesNotStallTheOthers() throws Exception {
		String room = "sse-slow";
		try (Socket stuck = RawSse.open(this.port, room); SseClient healthy = SseClient.connect(events(room), null)) {
			await().atMost(WAIT).until(() -> this.streams.size(room) == 2);
			// about 12 MB: far more than the socket buffers and the stream's mailbox hold
			String text = "x".repeat(4000);
			for (int i = 1; i <= 3000; i++) {
				this.api.publish(room, "alice", text);
			}
			List<Event> received = healthy.nextMessages(3000, Duration.ofSeconds(60));
			assertThat(ids(received)).isEqualTo(range(1, 3000));
			await().atMost(Duration.ofSeconds(30)).until(() -> this.streams.size(room) == 1);
		}
	}

	@Test
	void anInvalidLastEventIdOrRoomIsRejectedNamingTheField() {
		HttpResponse<String> query = this.api.get("/api/rooms/sse-bad/events?lastEventId=abc");
		assertThat(query.statusCode()).isEqualTo(400);
		assertThat(Api.parse(query.body()).get("detail").asString()).startsWith("lastEventId:");
		HttpResponse<String> room = this.api.get("/api/rooms/SSE!/events");
		assertThat(room.statusCode()).isEqualTo(400);
		assertThat(Api.parse(room.body()).get("detail").asString()).startsWith("room:");
	}

}
