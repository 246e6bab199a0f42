package io.pushlab.demo;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.pushlab.longpolling.ClientQueues;
import io.pushlab.support.Api;
import io.pushlab.support.Instance;
import io.pushlab.support.RedisServer;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static io.pushlab.demo.DropTests.WAIT;
import static io.pushlab.demo.DropTests.ids;
import static io.pushlab.demo.DropTests.longPoll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster drill on two instances sharing a real Redis: {@code ?scope=cluster} sent to
 * A ends the room's connections on B too, a local drop on A leaves B alone, and B's
 * clients recover through either instance.
 */
class ClusterDropTests {

	static RedisServer redis;

	static Instance a;

	static Instance b;

	@BeforeAll
	static void startCluster() {
		redis = RedisServer.start();
		String prefix = "pushlab-drop-" + UUID.randomUUID() + ":";
		a = Instance.start(redis.port(), prefix);
		b = Instance.start(redis.port(), prefix);
	}

	@AfterAll
	static void stopCluster() {
		if (b != null) {
			b.close();
		}
		if (a != null) {
			a.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void aClusterDropOnAEndsTheRoomsConnectionsOnBAndALocalDropDoesNot() throws Exception {
		String room = "drill-cluster";
		Api onA = a.api();
		Api onB = b.api();
		onA.publish(room, "alice", "one");
		onA.publish(room, "alice", "two");
		ClientQueues queuesOfB = b.bean(ClientQueues.class);
		try (SseClient sse = SseClient.connect(onB.uri("/api/rooms/" + room + "/events"), "0");
				ChatSocket ws = ChatSocket.connect(b.port(), "drill-carol")) {
			assertThat(ids(sse.nextMessages(2, WAIT))).containsExactly(1L, 2L);
			CompletableFuture<HttpResponse<String>> parked = longPoll(onB, room, "drill-cluster-client", 2);
			await().atMost(WAIT).until(() -> queuesOfB.isParked("drill-cluster-client", room));
			assertThat(ids(ws.join(room).get("messages"))).containsExactly(1L, 2L);

			// a local drop on A: nothing of B's ends
			HttpResponse<String> local = onA.post("/api/rooms/" + room + "/drop", "");
			assertThat(local.statusCode()).isEqualTo(200);
			JsonNode localAnswer = Api.parse(local.body());
			assertThat(localAnswer.get("sse").asInt() + localAnswer.get("longpolling").asInt()
					+ localAnswer.get("websocket").asInt())
				.isZero();
			assertThat(localAnswer.has("instances")).isFalse();
			onA.publish(room, "alice", "three");
			assertThat(ids(sse.nextMessages(1, WAIT))).containsExactly(3L);
			HttpResponse<String> live = parked.get(20, TimeUnit.SECONDS);
			assertThat(live.statusCode()).isEqualTo(200);
			assertThat(ids(Api.parse(live.body()).get("messages"))).containsExactly(3L);
			ws.awaitChat(room, 3);
			assertThat(sse.ended()).isFalse();
			assertThat(ws.isClosed()).isFalse();

			// a cluster drop on A (after the room's interval): B's clients are dropped
			CompletableFuture<HttpResponse<String>> parkedAgain = longPoll(onB, room, "drill-cluster-client", 3);
			await().atMost(WAIT).until(() -> queuesOfB.isParked("drill-cluster-client", room));
			JsonNode before = onB.getJson("/api/stats");
			AtomicReference<HttpResponse<String>> cluster = new AtomicReference<>();
			await().atMost(WAIT).until(() -> {
				cluster.set(onA.post("/api/rooms/" + room + "/drop?scope=cluster", ""));
				return cluster.get().statusCode() != 429;
			});
			assertThat(cluster.get().statusCode()).isEqualTo(200);
			JsonNode answer = Api.parse(cluster.get().body());
			assertThat(answer.get("scope").asString()).isEqualTo("cluster");
			assertThat(answer.get("instances").asInt()).isEqualTo(2);
			// the counts are A's own: it had no connection in the room
			assertThat(answer.get("sse").asInt()).isZero();
			assertThat(answer.get("longpolling").asInt()).isZero();
			assertThat(answer.get("websocket").asInt()).isZero();

			await().atMost(WAIT).until(sse::ended);
			HttpResponse<String> dropped = parkedAgain.get(20, TimeUnit.SECONDS);
			assertThat(dropped.statusCode()).isEqualTo(503);
			assertThat(Api.parse(dropped.body()).get("detail").asString()).startsWith("room: ");
			assertThat(ws.awaitClose()).isEqualTo(1012);
			await().atMost(WAIT).untilAsserted(() -> {
				JsonNode after = onB.getJson("/api/stats");
				assertThat(after.get("drops").asLong() - before.get("drops").asLong()).isEqualTo(1);
				for (String technique : new String[] { "sse", "longpolling", "websocket" }) {
					assertThat(after.get("techniques").get(technique).get("dropped").asLong()
							- before.get("techniques").get(technique).get("dropped").asLong())
						.as(technique)
						.isEqualTo(1);
				}
			});
		}

		// published while B's clients are away; they come back on A and lose nothing
		onB.publish(room, "alice", "four");
		try (SseClient again = SseClient.connect(onA.uri("/api/rooms/" + room + "/events"), "3")) {
			assertThat(ids(again.nextMessages(1, WAIT))).containsExactly(4L);
		}
		HttpResponse<String> polled = onA
			.get("/api/rooms/" + room + "/longpoll?client=drill-cluster-client&after=3&timeout=20000");
		assertThat(polled.statusCode()).isEqualTo(200);
		assertThat(ids(Api.parse(polled.body()).get("messages"))).containsExactly(4L);
		try (ChatSocket ws = ChatSocket.connect(a.port(), "drill-carol2")) {
			assertThat(ids(ws.join(room).get("messages"))).containsExactly(1L, 2L, 3L, 4L);
		}
	}

	@Test
	void aClusterDropIsRateLimitedPerRoomOnTheInstanceThatIsAsked() {
		String room = "drill-cluster-rate";
		assertThat(a.api().post("/api/rooms/" + room + "/drop?scope=cluster", "").statusCode()).isEqualTo(200);
		HttpResponse<String> again = a.api().post("/api/rooms/" + room + "/drop?scope=cluster", "");
		assertThat(again.statusCode()).isEqualTo(429);
		assertThat(again.headers().firstValue("Retry-After")).isPresent();
	}

}
