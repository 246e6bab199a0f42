package io.pushlab.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.pushlab.hub.Draft;
import io.pushlab.support.Api;
import io.pushlab.support.Instance;
import io.pushlab.support.RedisServer;
import io.pushlab.support.SseClient;
import io.pushlab.support.SseClient.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis broker's rooms are bounded like the in-memory broker's: at most
 * {@code pushlab.rooms.max} rooms in the whole cluster (429 problem+json past it, on
 * every instance), and a room without subscribers left unused for
 * {@code pushlab.rooms.idle-ttl} leaves every instance's memory (counted in
 * {@code evicted.rooms}) and Redis (its keys are deleted, its stream expires), while a
 * room with a live subscriber stays and keeps receiving; presence state goes with a
 * room's last member. Each test runs its own {@code redis-server} and two instances.
 */
class RedisRoomBoundsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	RedisServer redis;

	String prefix;

	Instance a;

	Instance b;

	@BeforeEach
	void startRedis() {
		this.redis = RedisServer.start();
		this.prefix = "pushlab-rooms-" + UUID.randomUUID() + ":";
	}

	private void startCluster(String... extra) {
		this.a = Instance.start(this.redis.port(), this.prefix, extra);
		this.b = Instance.start(this.redis.port(), this.prefix, extra);
	}

	@AfterEach
	void stopCluster() {
		for (AutoCloseable closeable : new AutoCloseable[] { this.b, this.a, this.redis }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// best effort
			}
		}
	}

	@Test
	void aFloodOfNewRoomsStopsAtTheClusterCapWhileAWellBehavedClientLosesNothing() throws Exception {
		// one address fills the whole cluster here: its share is all of it
		startCluster("--pushlab.rooms.max=20", "--pushlab.rooms.max-per-address=20", "--pushlab.rooms.idle-ttl=10m",
				"--pushlab.websocket.max-messages-per-second=0");
		try (SseClient lobby = SseClient.connect(this.a.api().uri("/api/rooms/lobby/events"), "0")) {
			assertThat(lobby.next(WAIT).retry()).isNotNull();
			int created = 0;
			int refused = 0;
			List<Long> published = new ArrayList<>();
			for (int i = 1; i <= 200; i++) {
				Api api = (i % 2 == 0) ? this.a.api() : this.b.api();
				HttpResponse<String> response = api.post("/api/rooms/flood-" + i + "/messages",
						"{\"from\":\"mallory\",\"text\":\"x\"}");
				if (response.statusCode() == 201) {
					created++;
				}
				else {
					refused++;
					assertThat(response.statusCode()).isEqualTo(429);
					assertThat(response.headers().firstValue("Content-Type"))
						.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
					assertThat(response.headers().firstValue("Retry-After")).isPresent();
					assertThat(Api.parse(response.body()).get("detail").asString()).startsWith("room:");
				}
				if (i % 10 == 0) {
					published.add((i % 20 == 0 ? this.b : this.a).api()
						.publish("lobby", "alice", "m" + i)
						.get("id")
						.asLong());
				}
			}
			// the lobby is one of the 20 rooms
			assertThat(created).isEqualTo(19);
			assertThat(refused).isEqualTo(181);
			assertThat(this.redis.command("ZCARD", this.prefix + "rooms")).isEqualTo(":20");
			// an existing room still takes messages on both instances
			assertThat(
					this.b.api().post("/api/rooms/flood-1/messages", "{\"from\":\"bob\",\"text\":\"y\"}").statusCode())
				.isEqualTo(201);
			// every transport refuses a new room: SSE, long polling and a chat join
			assertThat(this.b.api().get("/api/rooms/flood-999/events").statusCode()).isEqualTo(429);
			assertThat(
					this.a.api().get("/api/rooms/flood-999/longpoll?client=client-001&after=0&timeout=0").statusCode())
				.isEqualTo(429);
			try (RedisFaultTests.Chat chat = RedisFaultTests.Chat.connect(this.b, "carol")) {
				chat.send("{\"type\":\"join\",\"room\":\"flood-998\",\"nonce\":\"j1\"}");
				await().atMost(WAIT).until(() -> !chat.frames("error").isEmpty());
				assertThat(chat.frames("error").get(0).get("code").asString()).isEqualTo("too_many_rooms");
				assertThat(chat.isClosed()).isFalse();
			}
			assertThat(this.redis.command("ZCARD", this.prefix + "rooms")).isEqualTo(":20");
			assertThat(this.a.api().getJson("/api/stats").get("rejected").get("room_limit").asLong()).isPositive();
			// the well-behaved reader got every lobby message, in order, once
			List<Event> delivered = lobby.nextMessages(published.size(), WAIT);
			assertThat(delivered).extracting((event) -> Long.parseLong(event.id()))
				.containsExactlyElementsOf(published);
			assertThat(published)
				.containsExactlyElementsOf(IntStream.rangeClosed(1, published.size()).mapToObj(Long::valueOf).toList());
		}
	}

	@Test
	void idleRoomsLeaveEveryInstanceAndRedisButARoomWithASubscriberStaysAndKeepsReceiving() throws Exception {
		startCluster("--pushlab.rooms.max=5", "--pushlab.rooms.max-per-address=5", "--pushlab.rooms.idle-ttl=1s");
		long evictedBefore = evictedRooms(this.a);
		try (SseClient kept = SseClient.connect(this.b.api().uri("/api/rooms/kept/events"), "0")) {
			assertThat(kept.next(WAIT).retry()).isNotNull();
			assertThat(this.a.api().publish("kept", "alice", "one").get("id").asLong()).isEqualTo(1);
			for (int room = 1; room <= 4; room++) {
				for (int i = 1; i <= 3; i++) {
					this.a.api().publish("idle-" + room, "alice", "m" + i);
				}
			}
			assertThat(
					this.b.api().post("/api/rooms/idle-5/messages", "{\"from\":\"alice\",\"text\":\"x\"}").statusCode())
				.isEqualTo(429);
			// the stream of a room in use expires in Redis itself unless it is used again
			long ttl = Long.parseLong(this.redis.command("PTTL", this.prefix + "room:kept:log").substring(1));
			assertThat(ttl).isBetween(1L, 2000L);

			RedisBroker brokerA = this.a.bean(RedisBroker.class);
			assertThat(brokerA.holds("idle-1")).isTrue();
			await().atMost(WAIT).untilAsserted(() -> {
				for (int room = 1; room <= 4; room++) {
					assertThat(this.redis.command("EXISTS", this.prefix + "room:idle-" + room + ":log",
							this.prefix + "room:idle-" + room + ":seq"))
						.isEqualTo(":0");
					assertThat(brokerA.holds("idle-" + room)).isFalse();
				}
				assertThat(this.redis.command("ZCARD", this.prefix + "rooms")).isEqualTo(":1");
			});
			assertThat(evictedRooms(this.a) - evictedBefore).isGreaterThanOrEqualTo(4);

			// the subscribed room stays, in memory and in Redis, for many idle times
			await().during(Duration.ofSeconds(3))
				.atMost(WAIT)
				.until(() -> this.b.bean(RedisBroker.class).subscriberCount("kept") == 1
						&& ":1".equals(this.redis.command("EXISTS", this.prefix + "room:kept:log")));
			assertThat(this.a.api().publish("kept", "alice", "two").get("id").asLong()).isEqualTo(2);
			assertThat(kept.nextMessages(2, WAIT)).extracting(Event::id).containsExactly("1", "2");

			// the cap has room again, and a room created again continues its ids
			assertThat(
					this.b.api().post("/api/rooms/idle-5/messages", "{\"from\":\"alice\",\"text\":\"x\"}").statusCode())
				.isEqualTo(201);
			JsonNode again = this.b.api().publish("idle-1", "alice", "again");
			assertThat(again.get("id").asLong()).isEqualTo(4);
			JsonNode read = this.a.api().getJson("/api/rooms/idle-1/messages?after=0");
			assertThat(read.get("messages")).hasSize(1);
			assertThat(kept.ended()).isFalse();
		}
	}

	@Test
	void oneAddressHoldsItsShareOfTheClusterOnEveryInstanceWhileOtherOwnersStillCreateRooms() throws Exception {
		startCluster("--pushlab.rooms.max=20", "--pushlab.rooms.max-per-address=3",
				"--pushlab.rooms.limit-loopback=true", "--pushlab.rooms.idle-ttl=2s");
		String share = "room: your address holds 3 new rooms, its share of the server's 20";
		String post = "{\"from\":\"poster\",\"text\":\"x\"}";
		// three rooms created from this address, on both instances, each kept by a
		// subscriber: SSE, chat, long poll
		try (SseClient stream = SseClient.connect(this.a.api().uri("/api/rooms/share-sse/events"), null);
				RedisFaultTests.Chat chat = RedisFaultTests.Chat.connect(this.b, "mallory")) {
			assertThat(stream.next(WAIT).retry()).isNotNull();
			chat.join("share-ws");
			chat.awaitPresence("share-ws", "mallory");
			assertThat(this.a.api().get("/api/rooms/share-lp/longpoll?client=share-client&timeout=0").statusCode())
				.isEqualTo(204);
			assertThat(this.redis.command("ZCARD", this.prefix + "rooms")).isEqualTo(":3");

			// one more, on either instance and by any transport: refused, naming the
			// share
			HttpResponse<String> refused = this.b.api().post("/api/rooms/share-new/messages", post);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
			assertThat(Api.parse(refused.body()).get("detail").asString()).startsWith(share);
			assertThat(this.a.api().post("/api/rooms/share-new/messages", post).statusCode()).isEqualTo(429);
			assertThat(this.b.api().get("/api/rooms/share-new/events").statusCode()).isEqualTo(429);
			assertThat(this.a.api().get("/api/rooms/share-new/longpoll?client=share-client&timeout=0").statusCode())
				.isEqualTo(429);
			chat.send("{\"type\":\"join\",\"room\":\"share-new\",\"nonce\":\"j1\"}");
			JsonNode error = chat.awaitReply("error", "j1", WAIT);
			assertThat(error.get("code").asString()).isEqualTo("too_many_rooms");
			assertThat(error.get("message").asString()).startsWith(share);
			assertThat(chat.isClosed()).isFalse();
			assertThat(this.a.api().rejected("rooms_per_address") + this.b.api().rejected("rooms_per_address"))
				.isEqualTo(5);
			assertThat(this.redis.command("ZCARD", this.prefix + "rooms")).isEqualTo(":3");

			// the rooms that exist are used as before
			assertThat(this.b.api().post("/api/rooms/share-sse/messages", post).statusCode()).isEqualTo(201);
			assertThat(stream.nextMessages(1, WAIT).get(0).id()).isEqualTo("1");
			assertThat(this.b.api().post("/api/rooms/share-ws/messages", post).statusCode()).isEqualTo(201);

			// another owner (a second address) still creates rooms, on either instance
			this.a.bean(RedisBroker.class).publish("other-1", new Draft("bob", "x", null), "192.0.2.7");
			this.b.bean(RedisBroker.class).subscribe("other-2", -1, (envelope) -> true, "192.0.2.7").close();
			assertThat(this.redis.command("HGET", this.prefix + "rooms-owned", "192.0.2.7")).isEqualTo("$1");
			assertThat(this.redis.command("ZCARD", this.prefix + "rooms")).isEqualTo(":5");
		}
		// the chat has left: its room is removed from Redis once idle, which gives the
		// address its share back on every instance
		await().atMost(WAIT).until(() -> this.a.api().post("/api/rooms/share-back/messages", post).statusCode() == 201);
		assertThat(this.redis.command("HEXISTS", this.prefix + "rooms-owner", "share-ws")).isEqualTo(":0");
		assertThat(this.redis.command("HEXISTS", this.prefix + "rooms-owner", "share-back")).isEqualTo(":1");
	}

	@Test
	void aChatRoomLeftByItsLastMemberLeavesNoPresenceStateBehind() throws Exception {
		startCluster("--pushlab.rooms.idle-ttl=1s");
		String instanceRooms = this.prefix + "instance:" + this.a.bean(ClusterInstance.class).id() + ":rooms";
		try (RedisFaultTests.Chat alice = RedisFaultTests.Chat.connect(this.a, "alice")) {
			for (int i = 1; i <= 5; i++) {
				alice.join("talk-" + i);
				alice.awaitPresence("talk-" + i, "alice");
			}
			assertThat(this.redis.command("SCARD", instanceRooms)).isEqualTo(":5");
			for (int i = 1; i <= 5; i++) {
				alice.send("{\"type\":\"leave\",\"room\":\"talk-" + i + "\"}");
			}
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(this.redis.command("SCARD", instanceRooms)).isEqualTo(":0");
				for (int i = 1; i <= 5; i++) {
					assertThat(this.redis.command("EXISTS", this.prefix + "presence:talk-" + i)).isEqualTo(":0");
					assertThat(this.a.bean(RedisPresence.class).localMembers("talk-" + i)).isEmpty();
				}
			});
			// and the rooms themselves go once idle
			await().atMost(WAIT)
				.until(() -> ":0".equals(this.redis.command("ZCARD", this.prefix + "rooms"))
						&& !this.a.bean(RedisBroker.class).holds("talk-1"));
			// a member who is still there keeps the room listed
			alice.join("talk-1");
			await().atMost(WAIT)
				.until(() -> ":1".equals(this.redis.command("SCARD", instanceRooms))
						&& this.a.bean(RedisPresence.class).localMembers("talk-1").equals(List.of("alice")));
			assertThat(this.b.bean(RedisPresence.class).members("talk-1")).containsExactly("alice");
			assertThat(alice.isClosed()).isFalse();
		}
	}

	private static long evictedRooms(Instance instance) {
		return instance.api().getJson("/api/stats").get("evicted").get("rooms").asLong();
	}

}
