package io.pushlab.demo;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pushlab.longpolling.ClientQueues;
import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recovery drill with real clients: {@code POST /api/rooms/{room}/drop} ends the
 * room's SSE stream, parked long poll and WebSocket on this instance, each the way the
 * contract says, leaves other rooms alone, and every client recovers what was published
 * while it was away with its own cursor.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class DropTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	ClientQueues queues;

	@Autowired
	MeterRegistry registry;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	static CompletableFuture<HttpResponse<String>> longPoll(Api api, String room, String client, long after) {
		return api.http()
			.sendAsync(HttpRequest
				.newBuilder(api
					.uri("/api/rooms/" + room + "/longpoll?client=" + client + "&after=" + after + "&timeout=20000"))
				.timeout(Duration.ofSeconds(60))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	static List<Long> ids(List<SseClient.Event> events) {
		return events.stream().map((event) -> Long.parseLong(event.id())).toList();
	}

	static List<Long> ids(JsonNode messages) {
		return messages.valueStream().map((message) -> message.get("id").asLong()).toList();
	}

	@Test
	void dropEndsEveryTechniqueOfTheRoomAndOnlyThatRoomAndEveryClientRecoversWhatWasPublishedMeanwhile()
			throws Exception {
		String r = "drill-r";
		String s = "drill-s";
		for (int i = 1; i <= 2; i++) {
			this.api.publish(r, "alice", "r" + i);
			this.api.publish(s, "alice", "s" + i);
		}
		JsonNode statsBefore = this.api.getJson("/api/stats");
		try (SseClient sseR = SseClient.connect(this.api.uri("/api/rooms/" + r + "/events"), "0");
				SseClient sseS = SseClient.connect(this.api.uri("/api/rooms/" + s + "/events"), "0");
				ChatSocket wsR = ChatSocket.connect(this.port, "drill-ann");
				ChatSocket wsS = ChatSocket.connect(this.port, "drill-bob")) {
			// replayed, so each stream is registered and subscribed
			assertThat(ids(sseR.nextMessages(2, WAIT))).containsExactly(1L, 2L);
			assertThat(ids(sseS.nextMessages(2, WAIT))).containsExactly(1L, 2L);
			CompletableFuture<HttpResponse<String>> lpR = longPoll(this.api, r, "drill-r-client", 2);
			CompletableFuture<HttpResponse<String>> lpS = longPoll(this.api, s, "drill-s-client", 2);
			await().atMost(WAIT)
				.until(() -> this.queues.isParked("drill-r-client", r) && this.queues.isParked("drill-s-client", s));
			assertThat(ids(wsR.join(r).get("messages"))).containsExactly(1L, 2L);
			assertThat(ids(wsS.join(s).get("messages"))).containsExactly(1L, 2L);

			HttpResponse<String> dropped = this.api.post("/api/rooms/" + r + "/drop", "");
			assertThat(dropped.statusCode()).isEqualTo(200);
			JsonNode answer = Api.parse(dropped.body());
			assertThat(answer.get("sse").asInt()).isEqualTo(1);
			assertThat(answer.get("longpolling").asInt()).isEqualTo(1);
			assertThat(answer.get("websocket").asInt()).isEqualTo(1);
			assertThat(answer.get("room").asString()).isEqualTo(r);
			assertThat(answer.get("scope").asString()).isEqualTo("local");

			// room R: the stream ends, the parked poll gets 503 problem+json, the socket
			// 1012
			await().atMost(WAIT).until(sseR::ended);
			HttpResponse<String> lpDropped = lpR.get(20, TimeUnit.SECONDS);
			assertThat(lpDropped.statusCode()).isEqualTo(503);
			assertThat(lpDropped.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			JsonNode problem = Api.parse(lpDropped.body());
			assertThat(problem.get("status").asInt()).isEqualTo(503);
			assertThat(problem.get("detail").asString()).startsWith("room: ");
			assertThat(this.queues.holds("drill-r-client", r)).isFalse();
			assertThat(wsR.awaitClose()).isEqualTo(1012);

			// room S: untouched
			assertThat(sseS.ended()).isFalse();
			assertThat(lpS).isNotDone();
			assertThat(this.queues.isParked("drill-s-client", s)).isTrue();
			assertThat(wsS.isClosed()).isFalse();

			// published while R's clients are away, and live in S
			for (int i = 3; i <= 5; i++) {
				this.api.publish(r, "alice", "r" + i);
			}
			this.api.publish(s, "alice", "s3");
			assertThat(ids(sseS.nextMessages(1, WAIT))).containsExactly(3L);
			HttpResponse<String> lpLive = lpS.get(20, TimeUnit.SECONDS);
			assertThat(lpLive.statusCode()).isEqualTo(200);
			assertThat(ids(Api.parse(lpLive.body()).get("messages"))).containsExactly(3L);
			wsS.awaitChat(s, 3);

			// R's clients come back, each with its own cursor, and lose nothing
			try (SseClient again = SseClient.connect(this.api.uri("/api/rooms/" + r + "/events"), "2")) {
				assertThat(ids(again.nextMessages(3, WAIT))).containsExactly(3L, 4L, 5L);
			}
			HttpResponse<String> lpAgain = this.api
				.get("/api/rooms/" + r + "/longpoll?client=drill-r-client&after=2&timeout=20000");
			assertThat(lpAgain.statusCode()).isEqualTo(200);
			assertThat(ids(Api.parse(lpAgain.body()).get("messages"))).containsExactly(3L, 4L, 5L);
			try (ChatSocket wsAgain = ChatSocket.connect(this.port, "drill-ann2")) {
				assertThat(ids(wsAgain.join(r).get("messages"))).containsExactly(1L, 2L, 3L, 4L, 5L);
			}
		}

		JsonNode statsAfter = this.api.getJson("/api/stats");
		for (String technique : List.of("sse", "longpolling", "websocket")) {
			assertThat(dropped(statsAfter, technique) - dropped(statsBefore, technique)).as(technique).isEqualTo(1);
		}
		assertThat(dropped(statsAfter, "polling")).isZero();
		assertThat(statsAfter.get("drops").asLong() - statsBefore.get("drops").asLong()).isEqualTo(1);
		assertThat(this.registry.get("pushlab.dropped").tag("technique", "sse").functionCounter().count())
			.isGreaterThanOrEqualTo(1);
	}

	private static long dropped(JsonNode stats, String technique) {
		return stats.get("techniques").get(technique).get("dropped").asLong();
	}

	@Test
	void aSecondDropOfTheSameRoomWithinTheIntervalIs429WithRetryAfterAndCounted() {
		long before = rejected("drop_rate_limited");
		assertThat(this.api.post("/api/rooms/drill-rate/drop", "").statusCode()).isEqualTo(200);
		HttpResponse<String> again = this.api.post("/api/rooms/drill-rate/drop", "");
		assertThat(again.statusCode()).isEqualTo(429);
		assertThat(again.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(again.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.parse(again.body()).get("detail").asString()).startsWith("room: dropped less than");
		assertThat(rejected("drop_rate_limited") - before).isEqualTo(1);
		// another room is not limited by this one
		assertThat(this.api.post("/api/rooms/drill-rate-other/drop", "").statusCode()).isEqualTo(200);
		// and the room may be dropped again once the interval has passed
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> this.api.post("/api/rooms/drill-rate/drop", "").statusCode() == 200);
	}

	HttpResponse<String> dropFrom(String room, String origin) {
		return this.api.send(HttpRequest.newBuilder(this.api.uri("/api/rooms/" + room + "/drop"))
			.timeout(Duration.ofSeconds(20))
			.header("Origin", origin)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

	@Test
	void aDropFromAnotherSitesPageIs403AndEndsNothingWhileTheServersOwnOriginMayDrop() throws Exception {
		String room = "drill-origin";
		this.api.publish(room, "alice", "one");
		try (SseClient sse = SseClient.connect(this.api.uri("/api/rooms/" + room + "/events"), "0")) {
			assertThat(ids(sse.nextMessages(1, WAIT))).containsExactly(1L);
			long before = rejected("forbidden_origin");
			for (String origin : List.of("https://evil.example", "http://127.0.0.1:1", "null", "http://host:abc")) {
				HttpResponse<String> refused = dropFrom(room, origin);
				assertThat(refused.statusCode()).as(origin).isEqualTo(403);
				assertThat(refused.headers().firstValue("Content-Type"))
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
				assertThat(Api.parse(refused.body()).get("detail").asString()).isEqualTo(DropController.FOREIGN_ORIGIN);
			}
			assertThat(rejected("forbidden_origin") - before).isEqualTo(4);
			// the stream was not ended: it still gets what is published
			this.api.publish(room, "alice", "two");
			assertThat(ids(sse.nextMessages(1, WAIT))).containsExactly(2L);
			assertThat(sse.ended()).isFalse();

			// the server's own page may drop it
			HttpResponse<String> allowed = dropFrom(room, this.api.base());
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(Api.parse(allowed.body()).get("sse").asInt()).isEqualTo(1);
			await().atMost(WAIT).until(sse::ended);
		}
	}

	@Test
	void anInvalidRoomOrScopeIs400NamingTheField() {
		HttpResponse<String> badRoom = this.api.post("/api/rooms/Not_A_Room/drop", "");
		assertThat(badRoom.statusCode()).isEqualTo(400);
		assertThat(Api.parse(badRoom.body()).get("detail").asString()).startsWith("room: ");
		HttpResponse<String> badScope = this.api.post("/api/rooms/drill-scope/drop?scope=world", "");
		assertThat(badScope.statusCode()).isEqualTo(400);
		assertThat(Api.parse(badScope.body()).get("detail").asString()).isEqualTo("scope: must be local or cluster");
	}

	@Test
	void withTheInMemoryBrokerAClusterDropIsThisInstancesDropAndSaysOneInstance() {
		HttpResponse<String> response = this.api.post("/api/rooms/drill-single/drop?scope=cluster", "");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode answer = Api.parse(response.body());
		assertThat(answer.get("scope").asString()).isEqualTo("cluster");
		assertThat(answer.get("instances").asInt()).isEqualTo(1);
		assertThat(answer.get("sse").asInt()).isZero();
	}

	private long rejected(String reason) {
		JsonNode rejected = this.api.getJson("/api/stats").get("rejected");
		return rejected.has(reason) ? rejected.get(reason).asLong() : 0;
	}

}
