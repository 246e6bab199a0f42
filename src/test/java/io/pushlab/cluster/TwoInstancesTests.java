package io.pushlab.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.pushlab.hub.Broker;
import io.pushlab.support.Api;
import io.pushlab.support.LongPollReader;
import io.pushlab.support.Instance;
import io.pushlab.support.RedisServer;
import io.pushlab.support.SseClient;
import io.pushlab.support.SseClient.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two PushLab instances (two application contexts) sharing one real Redis: the HTTP
 * techniques deliver every message, once, in order, whichever instance a request lands
 * on.
 */
class TwoInstancesTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	static RedisServer redis;

	static Instance a;

	static Instance b;

	@BeforeAll
	static void startCluster() {
		redis = RedisServer.start();
		String prefix = "pushlab-test-" + UUID.randomUUID() + ":";
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

	private static List<Long> range(long from, long to) {
		List<Long> ids = new ArrayList<>();
		for (long id = from; id <= to; id++) {
			ids.add(id);
		}
		return ids;
	}

	private static List<Long> ids(List<Event> events) {
		return events.stream().map((event) -> {
			long id = Api.parse(event.data()).get("id").asLong();
			assertThat(event.id()).isEqualTo(Long.toString(id));
			return id;
		}).toList();
	}

	private static String longPoll(String room, String client, long after, long timeout) {
		return "/api/rooms/" + room + "/longpoll?client=" + client + "&after=" + after + "&timeout=" + timeout;
	}

	@Test
	void aMessagePublishedOnAReachesSseLongPollingAndShortPollingClientsOnBWithTheSameId() throws Exception {
		String room = "two-fanout";
		a.api().publish(room, "alice", "before");
		try (SseClient sse = SseClient.connect(b.api().uri("/api/rooms/" + room + "/events"), null)) {
			assertThat(sse.next(WAIT).retry()).isEqualTo("3000");
			ExecutorService pool = Executors.newSingleThreadExecutor();
			try {
				Future<HttpResponse<String>> parked = pool
					.submit(() -> b.api().get(longPoll(room, "two-fanout-client", 1, 10_000)));
				JsonNode published = a.api().publish(room, "alice", "hello from A");
				long id = published.get("id").asLong();
				assertThat(id).isEqualTo(2);

				List<Event> events = sse.nextMessages(1, WAIT);
				assertThat(events).hasSize(1);
				assertThat(events.get(0).id()).isEqualTo("2");
				assertThat(Api.parse(events.get(0).data())).isEqualTo(published);

				HttpResponse<String> longPolled = parked.get(10, TimeUnit.SECONDS);
				assertThat(longPolled.statusCode()).isEqualTo(200);
				JsonNode page = Api.parse(longPolled.body());
				assertThat(page.get("messages")).hasSize(1);
				assertThat(page.get("messages").get(0)).isEqualTo(published);

				JsonNode polled = b.api().getJson("/api/rooms/" + room + "/messages?after=0");
				assertThat(polled.get("messages")).hasSize(2);
				assertThat(polled.get("messages").get(1)).isEqualTo(published);
				assertThat(polled.get("last").asLong()).isEqualTo(2);
				assertThat(b.api().getJson("/api/rooms/" + room + "/messages/2")).isEqualTo(published);
			}
			finally {
				pool.shutdownNow();
			}
		}
		// one id sequence per room, shared: B's next publish continues after A's
		assertThat(b.api().publish(room, "bob", "from B").get("id").asLong()).isEqualTo(3);
		// A learns of id 3 through pub/sub, a moment later
		await().atMost(WAIT).untilAsserted(() -> assertThat(a.bean(Broker.class).lastId(room)).isEqualTo(3));
	}

	@Test
	void aLongPollingClientAlternatingInstancesGetsAll500MessagesExactlyOnceInOrder() throws Exception {
		String room = "two-lp-500";
		String client = "alternating-client";
		LongPollReader reader = new LongPollReader((request) -> ((request % 2 == 0) ? a : b).api(), room, client, 500);
		for (int i = 1; i <= 500; i++) {
			((i % 2 == 0) ? a : b).api().publish(room, "alice", "m" + i);
		}
		List<Long> ids = reader.await(Duration.ofSeconds(60));
		assertThat(ids).isEqualTo(range(1, 500));
	}

	@Test
	void anSseClientThatReconnectsToTheOtherInstanceWithLastEventIdMissesNothing() throws Exception {
		String room = "two-sse-resume";
		for (int i = 1; i <= 3; i++) {
			a.api().publish(room, "alice", "m" + i);
		}
		String lastEventId;
		try (SseClient onA = SseClient.connect(a.api().uri("/api/rooms/" + room + "/events?lastEventId=0"), null)) {
			List<Event> first = onA.nextMessages(3, WAIT);
			assertThat(ids(first)).isEqualTo(range(1, 3));
			lastEventId = first.get(2).id();
		}
		// published while the client is between the two connections, on both instances
		for (int i = 4; i <= 10; i++) {
			((i % 2 == 0) ? a : b).api().publish(room, "alice", "m" + i);
		}
		try (SseClient onB = SseClient.connect(b.api().uri("/api/rooms/" + room + "/events"), lastEventId)) {
			assertThat(ids(onB.nextMessages(7, WAIT))).isEqualTo(range(4, 10));
			a.api().publish(room, "alice", "live");
			List<Event> live = onB.nextMessages(1, WAIT);
			assertThat(ids(live)).containsExactly(11L);
			assertThat(onB.nextMessages(1, Duration.ofMillis(300))).isEmpty();
		}
	}

	@Test
	void subscribersOnBothInstancesSeeMessagesFromBothInTheSameOrder() throws Exception {
		String room = "two-order";
		try (SseClient onA = SseClient.connect(a.api().uri("/api/rooms/" + room + "/events"), null);
				SseClient onB = SseClient.connect(b.api().uri("/api/rooms/" + room + "/events"), null)) {
			assertThat(onA.next(WAIT).retry()).isNotNull();
			assertThat(onB.next(WAIT).retry()).isNotNull();
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				Future<?> fromA = pool.submit(() -> {
					for (int i = 0; i < 50; i++) {
						a.api().publish(room, "alice", "a" + i);
					}
				});
				Future<?> fromB = pool.submit(() -> {
					for (int i = 0; i < 50; i++) {
						b.api().publish(room, "bob", "b" + i);
					}
				});
				fromA.get(30, TimeUnit.SECONDS);
				fromB.get(30, TimeUnit.SECONDS);
			}
			finally {
				pool.shutdownNow();
			}
			List<Event> seenOnA = onA.nextMessages(100, WAIT);
			List<Event> seenOnB = onB.nextMessages(100, WAIT);
			assertThat(ids(seenOnA)).isEqualTo(range(1, 100));
			assertThat(seenOnB.stream().map(Event::data).toList())
				.isEqualTo(seenOnA.stream().map(Event::data).toList());
		}
	}

	@Test
	void aMessageThatPubSubMissedIsDeliveredFromTheSharedLog() throws Exception {
		String room = "two-missed";
		try (SseClient onB = SseClient.connect(b.api().uri("/api/rooms/" + room + "/events"), "0")) {
			a.api().publish(room, "alice", "one");
			assertThat(ids(onB.nextMessages(1, WAIT))).containsExactly(1L);
			// a message stored in the log whose PUBLISH never reached anyone
			StringRedisTemplate redisTemplate = a.bean(StringRedisTemplate.class);
			RedisKeys keys = a.bean(RedisKeys.class);
			String json = "{\"id\":2,\"room\":\"" + room
					+ "\",\"from\":\"ghost\",\"text\":\"missed\",\"nonce\":null,\"sentAt\":1}";
			redisTemplate.opsForValue().increment(keys.sequence(room));
			redisTemplate.opsForStream()
				.add(StreamRecords.string(Map.of("json", json))
					.withStreamKey(keys.log(room))
					.withId(RecordId.of(2, 0)));
			List<Event> caughtUp = onB.nextMessages(1, WAIT);
			assertThat(ids(caughtUp)).containsExactly(2L);
			assertThat(Api.parse(caughtUp.get(0).data()).get("text").asString()).isEqualTo("missed");
			a.api().publish(room, "alice", "three");
			assertThat(ids(onB.nextMessages(1, WAIT))).containsExactly(3L);
		}
	}

}
