package io.pushlab.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.pushlab.hub.NameRegistry;
import io.pushlab.hub.Presence;

import io.pushlab.support.Api;
import io.pushlab.support.Instance;
import io.pushlab.support.RedisServer;
import io.pushlab.support.SseClient;
import io.pushlab.support.SseClient.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away under two running instances, then comes back: publishing answers 503
 * meanwhile, open streams stay open, health says so, and everything resumes without
 * restarting anything. An instance that restarts rejoins by itself. A presence join that
 * failed during an outage lands when Redis is back; after an outage longer than
 * {@code instance-ttl}, or a Redis that lost its data, every instance restores its
 * presence and names, and a name another session took meanwhile is taken from its
 * connections there; a Redis that stops answering delays no SSE heartbeat; and a full
 * fan-out queue loses no message, room or private. Each test runs its own
 * {@code redis-server}.
 */
class RedisFaultTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	RedisServer redis;

	String prefix;

	Instance a;

	Instance b;

	@BeforeEach
	void startRedis() {
		this.redis = RedisServer.start();
		this.prefix = "pushlab-fault-" + UUID.randomUUID() + ":";
	}

	/** Starts A and B on the test's Redis, with fast heartbeats and syncs. */
	private void startCluster(String... extra) {
		List<String> args = new ArrayList<>(
				List.of("--pushlab.sse.heartbeat=300ms", "--pushlab.redis.sync-interval=200ms"));
		args.addAll(List.of(extra));
		this.a = Instance.start(this.redis.port(), this.prefix, args.toArray(String[]::new));
		this.b = Instance.start(this.redis.port(), this.prefix, args.toArray(String[]::new));
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

	private static HttpResponse<String> tryPublish(Api api, String room, String text) {
		return api.post("/api/rooms/" + room + "/messages", "{\"from\":\"alice\",\"text\":\"" + text + "\"}");
	}

	@Test
	void whileRedisIsDownPublishingAnswers503AndEverythingResumesWhenItIsBack() throws Exception {
		startCluster();
		String room = "fault-resume";
		try (SseClient onB = SseClient.connect(this.b.api().uri("/api/rooms/" + room + "/events"), null)) {
			assertThat(this.a.api().publish(room, "alice", "before").get("id").asLong()).isEqualTo(1);
			assertThat(onB.nextMessages(1, WAIT)).hasSize(1);
			assertThat(this.a.api().getJson("/actuator/health").get("components").get("redis").get("status").asString())
				.isEqualTo("UP");

			this.redis.stop();

			HttpResponse<String> refused = tryPublish(this.a.api(), room, "while down");
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			JsonNode problem = Api.parse(refused.body());
			assertThat(problem.get("status").asInt()).isEqualTo(503);
			assertThat(problem.get("detail").asString()).startsWith("broker:");
			assertThat(tryPublish(this.b.api(), room, "while down").statusCode()).isEqualTo(503);
			assertThat(this.b.api().get("/api/rooms/" + room + "/messages").statusCode()).isEqualTo(503);

			HttpResponse<String> health = this.a.api().get("/actuator/health");
			assertThat(health.statusCode()).isEqualTo(503);
			assertThat(Api.parse(health.body()).get("components").get("redis").get("status").asString())
				.isEqualTo("DOWN");

			// the open stream stays up: heartbeats keep coming, nothing ends it
			Event heartbeat = onB.next(WAIT);
			assertThat(heartbeat).isNotNull();
			assertThat(heartbeat.comment()).isEqualTo("keep-alive");
			assertThat(onB.ended()).isFalse();

			this.redis.restart();

			await().atMost(WAIT)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> tryPublish(this.a.api(), room, "back").statusCode() == 201);
			List<Event> delivered = onB.nextMessages(1, WAIT);
			assertThat(delivered).hasSize(1);
			JsonNode message = Api.parse(delivered.get(0).data());
			assertThat(message.get("id").asLong()).isEqualTo(2);
			assertThat(message.get("text").asString()).isEqualTo("back");
			assertThat(onB.ended()).isFalse();

			// and a message published on B reaches B's own stream as well
			this.b.api().publish(room, "bob", "again");
			assertThat(Api.parse(onB.nextMessages(1, WAIT).get(0).data()).get("id").asLong()).isEqualTo(3);
			await().atMost(WAIT)
				.until(() -> this.a.api().get("/actuator/health").statusCode() == 200
						&& this.b.api().get("/actuator/health").statusCode() == 200);
		}
	}

	@Test
	void anInstanceThatRestartsRejoinsWithoutManualSteps() throws Exception {
		startCluster();
		String room = "fault-rejoin";
		this.a.api().publish(room, "alice", "one");
		this.b.close();
		this.a.api().publish(room, "alice", "two while B is away");
		this.b = Instance.start(this.redis.port(), this.prefix);
		try (SseClient onB = SseClient.connect(this.b.api().uri("/api/rooms/" + room + "/events"), "0")) {
			List<Event> replay = onB.nextMessages(2, WAIT);
			assertThat(replay).extracting(Event::id).containsExactly("1", "2");
			this.a.api().publish(room, "alice", "three");
			assertThat(onB.nextMessages(1, WAIT)).extracting(Event::id).containsExactly("3");
		}
		assertThat(this.b.api().publish(room, "bob", "four").get("id").asLong()).isEqualTo(4);
	}

	@Test
	void aPresenceJoinThatFailedDuringAnOutageIsRetriedUntilItLands() {
		startCluster();
		String room = "fault-join";
		List<List<String>> heardOnB = new CopyOnWriteArrayList<>();
		this.b.bean(Presence.class).addListener((change) -> {
			if (room.equals(change.room())) {
				heardOnB.add(change.users(Integer.MAX_VALUE));
			}
		});
		ClusterInstance instanceA = this.a.bean(ClusterInstance.class);
		// B has a member of its own in the room, as it does whenever one of its
		// connections
		// listens to the room's presence: B's lists are what its own members see. (A room
		// without a local member is not read again when B's pub/sub comes back, so a
		// change
		// announced before B resubscribed would not be heard there; nobody on B would see
		// it.)
		this.b.bean(Presence.class).join(room, "dave", "dave-connection");
		await().atMost(WAIT).until(() -> this.a.bean(Presence.class).members(room).equals(List.of("dave")));

		this.redis.stop();
		this.a.bean(Presence.class).join(room, "carol", "carol-connection");
		assertThat(instanceA.pendingRetries()).isPositive();
		// the app keeps answering meanwhile, from memory
		assertThat(this.a.api().get("/api/stats").statusCode()).isEqualTo(200);
		assertThat(this.a.bean(RedisPresence.class).localMembers(room)).containsExactly("carol");

		this.redis.restart();
		await().atMost(WAIT).until(() -> this.b.bean(Presence.class).members(room).equals(List.of("carol", "dave")));
		await().atMost(WAIT).until(() -> heardOnB.contains(List.of("carol", "dave")));
		await().atMost(WAIT).until(() -> instanceA.pendingRetries() == 0);
		assertThat(this.a.bean(Presence.class).members(room)).containsExactly("carol", "dave");

		// a leave that failed during an outage lands the same way
		this.redis.stop();
		this.a.bean(Presence.class).leave(room, "carol", "carol-connection");
		this.redis.restart();
		await().atMost(WAIT).until(() -> this.b.bean(Presence.class).members(room).equals(List.of("dave")));
		await().atMost(WAIT).until(() -> heardOnB.get(heardOnB.size() - 1).equals(List.of("dave")));
	}

	@Test
	void afterALongOutageAndAfterRedisLostItsDataEveryInstanceRestoresItsPresenceAndNames() throws Exception {
		startCluster("--pushlab.redis.instance-ttl=1500ms");
		String room = "fault-lapse";
		try (Chat alice = Chat.connect(this.a, "alice"); Chat bob = Chat.connect(this.b, "bob")) {
			alice.join(room);
			bob.join(room);
			alice.awaitPresence(room, "alice", "bob");
			bob.awaitPresence(room, "alice", "bob");

			// 1. Redis is away longer than instance-ttl: both instances expire, and the
			// first to beat again reaps the other's members
			this.redis.stop();
			await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);
			assertThat(this.a.api().get("/api/stats").statusCode()).isEqualTo(200);
			this.redis.restart();
			awaitRestored(room, alice, bob);
			long id = chatReachesBothInstances(room, alice, bob, "after the long outage");

			// 2. Redis comes back empty: presence, names and instances are gone
			this.redis.restartEmpty();
			awaitRestored(room, alice, bob);
			await().atMost(WAIT)
				.until(() -> this.b.bean(NameRegistry.class).isClaimed("alice")
						&& this.a.bean(NameRegistry.class).isClaimed("bob"));
			// another session cannot take a name whose owner is still connected
			assertThat(this.b.bean(NameRegistry.class).claim("alice", "another-session"))
				.isNotEqualTo(NameRegistry.Claim.GRANTED);
			assertThat(this.a.bean(NameRegistry.class).claim("bob", "another-session"))
				.isNotEqualTo(NameRegistry.Claim.GRANTED);
			// ids go on from where they were, and messages reach every instance again
			assertThat(chatReachesBothInstances(room, alice, bob, "after the empty restart")).isGreaterThan(id);
			assertThat(alice.isClosed()).isFalse();
			assertThat(bob.isClosed()).isFalse();
		}
	}

	@Test
	void aNameTakenWhileItsInstanceWasCutOffEndsItsConnectionsThereAndItsPrivateMessagesGoToTheNewHolderOnly()
			throws Exception {
		startCluster("--pushlab.redis.instance-ttl=1500ms");
		ClusterInstance instanceA = this.a.bean(ClusterInstance.class);
		CountDownLatch stalled = new CountDownLatch(1);
		CountDownLatch resume = new CountDownLatch(1);
		try (Chat erin = Chat.connect(this.a, "erin"); Chat daveOnA = Chat.connect(this.a, "dave")) {
			await().atMost(WAIT).until(() -> this.b.bean(NameRegistry.class).isClaimed("dave"));
			// A stalls (a long GC pause, a frozen VM): its heartbeat thread is held, so
			// nothing renews A in Redis
			instanceA.retry(new Object(), () -> {
				stalled.countDown();
				try {
					resume.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			assertThat(stalled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			// and A expires: at once here, as B's heartbeat removes A once its ttl is
			// over
			assertThat(this.redis.command("ZREM", this.prefix + "instances", instanceA.id())).isEqualTo(":1");
			try (Chat daveOnB = Chat.connect(this.b, "dave")) {
				// a session without dave's cookie takes the lapsed name on B: accepted
				daveOnB.join("fault-taken");
				await().atMost(WAIT).until(() -> !daveOnB.frames("history").isEmpty());
				assertThat(daveOnB.isClosed()).isFalse();

				// A comes back, finds the name taken, and ends its own dave connection
				resume.countDown();
				await().atMost(WAIT).until(daveOnA::isClosed);
				assertThat(daveOnA.closeCode()).isEqualTo(4009);
				assertThat(daveOnA.closeReason()).isEqualTo("name taken by another session");

				// a private message to dave, sent on A, reaches only the name's holder on
				// B
				erin.send("{\"type\":\"private\",\"to\":\"dave\",\"text\":\"secret\",\"nonce\":\"p1\"}");
				await().atMost(WAIT).until(() -> daveOnB.hasReply("private", "p1"));
				assertThat(erin.awaitReply("private", "p1", WAIT)).isNotNull();
				assertThat(erin.frames("error")).isEmpty();
				assertThat(daveOnA.frames("private")).isEmpty();
				assertThat(daveOnB.isClosed()).isFalse();
				assertThat(erin.isClosed()).isFalse();
				// the name stays B's: A holds no claim of it any more
				assertThat(this.a.bean(NameRegistry.class).claim("dave", "another-session"))
					.isEqualTo(NameRegistry.Claim.IN_USE);
			}
		}
		finally {
			resume.countDown();
		}
	}

	private void awaitRestored(String room, Chat alice, Chat bob) {
		for (Instance instance : List.of(this.a, this.b)) {
			await().atMost(WAIT)
				.untilAsserted(
						() -> assertThat(instance.bean(Presence.class).members(room)).containsExactly("alice", "bob"));
			// no thread is stuck: the heartbeat goes on and the fan-out queue drains
			long beat = instance.bean(ClusterInstance.class).lastBeat();
			await().atMost(WAIT).until(() -> instance.bean(ClusterInstance.class).lastBeat() != beat);
			await().atMost(WAIT).until(() -> instance.bean(FanOut.class).queued() == 0);
		}
		alice.awaitPresence(room, "alice", "bob");
		bob.awaitPresence(room, "alice", "bob");
	}

	/**
	 * Alice chats on A, a POST on B publishes (under a name of its own: a POST may not
	 * speak as the chat user bob); each reaches both. Returns the last id.
	 */
	private long chatReachesBothInstances(String room, Chat alice, Chat bob, String text) {
		await().atMost(WAIT).until(() -> {
			String nonce = UUID.randomUUID().toString();
			alice.chat(room, text, nonce);
			return alice.hasReply("chat", nonce) || alice.awaitReply("chat", nonce, Duration.ofSeconds(1)) != null;
		});
		JsonNode published = this.b.api().publish(room, "poster-on-b", text + " from B");
		long id = published.get("id").asLong();
		for (Chat chat : List.of(alice, bob)) {
			await().atMost(WAIT).until(() -> chat.frames("chat").stream().anyMatch((f) -> f.get("id").asLong() == id));
		}
		return id;
	}

	@Test
	void aRedisThatStopsAnsweringDelaysNoSseHeartbeat() throws Exception {
		// beats every 200 ms, and a command waits up to 4 s for Redis
		startCluster("--pushlab.redis.instance-ttl=600ms", "--spring.data.redis.timeout=4s");
		String room = "fault-slow";
		try (SseClient onA = SseClient.connect(this.a.api().uri("/api/rooms/" + room + "/events"), null)) {
			assertThat(onA.next(WAIT).retry()).isNotNull();
			ClusterInstance instanceA = this.a.bean(ClusterInstance.class);
			assertThat(this.redis.command("CLIENT", "PAUSE", "5000", "ALL")).isEqualTo("+OK");
			long pausedAt = System.nanoTime();
			long last = pausedAt;
			long longestGap = 0;
			int heartbeats = 0;
			while (System.nanoTime() - pausedAt < Duration.ofMillis(4500).toNanos()) {
				Event event = onA.next(Duration.ofSeconds(6));
				assertThat(event).isNotNull();
				long now = System.nanoTime();
				longestGap = Math.max(longestGap, now - last);
				last = now;
				heartbeats++;
			}
			// the keep-alive comes every 300 ms: the heartbeat blocked on Redis is not in
			// its way (it was on Spring's one scheduler thread, and held it for 4 s)
			assertThat(Duration.ofNanos(longestGap)).isLessThan(Duration.ofMillis(1500));
			assertThat(heartbeats).isGreaterThanOrEqualTo(5);
			assertThat(this.a.api().get("/api/stats").statusCode()).isEqualTo(200);
			// and when Redis answers again, the heartbeat goes on and messages flow
			long beat = instanceA.lastBeat();
			await().atMost(WAIT).until(() -> instanceA.lastBeat() != beat);
			JsonNode published = this.b.api().publish(room, "bob", "after the pause");
			List<Event> delivered = onA.nextMessages(1, WAIT);
			assertThat(delivered).hasSize(1);
			assertThat(Api.parse(delivered.get(0).data())).isEqualTo(published);
		}
	}

	@Test
	void whenTheFanOutQueueIsFullMessagesAreCountedAndReadBackFromTheLog() throws Exception {
		this.a = Instance.start(this.redis.port(), this.prefix, "--pushlab.redis.fanout-capacity=2",
				"--pushlab.redis.sync-interval=200ms");
		String room = "fault-fanout";
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// a listener that holds the fan-out thread, as a slow hand-off would
		this.a.bean(Presence.class).addListener((change) -> {
			if ("fault-fanout-hold".equals(change.room())) {
				blocked.countDown();
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		FanOut fanout = this.a.bean(FanOut.class);
		try (SseClient onA = SseClient.connect(this.a.api().uri("/api/rooms/" + room + "/events"), "0")) {
			assertThat(onA.next(WAIT).retry()).isNotNull();
			this.a.bean(Presence.class).join("fault-fanout-hold", "zed", "zed-connection");
			assertThat(blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			for (int i = 1; i <= 20; i++) {
				assertThat(this.a.api().publish(room, "alice", "m" + i).get("id").asLong()).isEqualTo(i);
			}
			await().atMost(WAIT).until(() -> fanout.dropped("messages") > 0);
			assertThat(fanout.queued()).isLessThanOrEqualTo(2);
			release.countDown();
			List<Event> delivered = onA.nextMessages(20, WAIT);
			assertThat(delivered).extracting(Event::id)
				.containsExactlyElementsOf(IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).toList());
			assertThat(onA.nextMessages(1, Duration.ofMillis(500))).isEmpty();
			await().atMost(WAIT).until(() -> fanout.queued() == 0);
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aFullFanOutQueueDropsNoPrivateMessage() throws Exception {
		startCluster("--pushlab.redis.fanout-capacity=2", "--pushlab.websocket.max-messages-per-second=0");
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// a listener that holds B's fan-out thread, as a slow hand-off would
		this.b.bean(Presence.class).addListener((change) -> {
			if ("fault-private-hold".equals(change.room())) {
				blocked.countDown();
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		FanOut fanoutB = this.b.bean(FanOut.class);
		int count = 200;
		try (Chat alice = Chat.connect(this.a, "alice"); Chat bob = Chat.connect(this.b, "bob")) {
			await().atMost(WAIT).until(() -> this.a.bean(NameRegistry.class).isClaimed("bob"));
			this.b.bean(Presence.class).join("fault-private-hold", "zed", "zed-connection");
			assertThat(blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			// room messages fill B's bounded queue: those beyond it are dropped
			for (int i = 1; i <= 10; i++) {
				this.a.api().publish("fault-private-room", "poster", "m" + i);
			}
			await().atMost(WAIT).until(() -> fanoutB.dropped("messages") > 0);
			for (int i = 1; i <= count; i++) {
				alice.send("{\"type\":\"private\",\"to\":\"bob\",\"text\":\"p" + i + "\",\"nonce\":\"n" + i + "\"}");
			}
			// alice's own copies come back through A: every one was published
			await().atMost(WAIT).until(() -> alice.frames("private").size() == count);
			// B holds them all, beyond its capacity, while its fan-out thread is held
			await().atMost(WAIT).until(() -> fanoutB.queued() >= count);
			assertThat(bob.frames("private")).isEmpty();
			release.countDown();
			await().atMost(WAIT).until(() -> bob.frames("private").size() >= count);
			assertThat(bob.frames("private")).extracting((frame) -> frame.get("text").asString())
				.containsExactlyElementsOf(IntStream.rangeClosed(1, count).mapToObj((i) -> "p" + i).toList());
			assertThat(bob.frames("private")).allSatisfy((frame) -> {
				assertThat(frame.get("from").asString()).isEqualTo("alice");
				assertThat(frame.get("to").asString()).isEqualTo("bob");
			});
			assertThat(fanoutB.dropped("private")).isZero();
			await().atMost(WAIT).until(() -> fanoutB.queued() == 0);
			assertThat(alice.frames("error")).isEmpty();
		}
		finally {
			release.countDown();
		}
	}

	/**
	 * A chat client on {@code java.net.http.WebSocket}, with a session of its own (no
	 * cookie), that keeps every frame it receives.
	 */
	static final class Chat implements WebSocket.Listener, AutoCloseable {

		private final List<JsonNode> frames = new CopyOnWriteArrayList<>();

		private final StringBuilder partial = new StringBuilder();

		private final CompletableFuture<Integer> closed = new CompletableFuture<>();

		private volatile String closeReason;

		private volatile WebSocket socket;

		static Chat connect(Instance instance, String user) {
			Chat chat = new Chat();
			HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.connectTimeout(WAIT)
				.buildAsync(URI.create("ws://localhost:" + instance.port() + "/ws/chat?user=" + user), chat)
				.join();
			return chat;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			this.socket = webSocket;
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.frames.add(Api.parse(this.partial.toString()));
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closeReason = reason;
			this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.complete(-1);
		}

		void send(String json) {
			this.socket.sendText(json, true).join();
		}

		void join(String room) {
			send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
		}

		void chat(String room, String text, String nonce) {
			send("{\"type\":\"chat\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"nonce\":\"" + nonce + "\"}");
		}

		List<JsonNode> frames(String type) {
			return this.frames.stream().filter((frame) -> type.equals(frame.path("type").asString())).toList();
		}

		boolean hasReply(String type, String nonce) {
			return frames(type).stream().anyMatch((frame) -> nonce.equals(frame.path("nonce").asString(null)));
		}

		/**
		 * @return the reply, or null when none came in time
		 */
		JsonNode awaitReply(String type, String nonce, Duration timeout) {
			try {
				await().atMost(timeout).until(() -> hasReply(type, nonce));
			}
			catch (ConditionTimeoutException ex) {
				return null;
			}
			return frames(type).stream()
				.filter((frame) -> nonce.equals(frame.path("nonce").asString(null)))
				.findFirst()
				.orElse(null);
		}

		/**
		 * Waits until the presence frames (the newest list, then its deltas) list exactly
		 * these users.
		 */
		void awaitPresence(String room, String... users) {
			await().atMost(WAIT).until(() -> List.of(users).equals(presence(room)));
		}

		/**
		 * The room's list as the presence frames received so far build it: the newest
		 * {@code users} list, then every later {@code joined} or {@code left} delta; null
		 * before the first list.
		 */
		List<String> presence(String room) {
			java.util.TreeSet<String> listed = null;
			for (JsonNode frame : frames("presence")) {
				if (!room.equals(frame.path("room").asString())) {
					continue;
				}
				if (frame.has("users")) {
					listed = new java.util.TreeSet<>(Presence.ORDER);
					frame.path("users").valueStream().map(JsonNode::asString).forEach(listed::add);
				}
				else if (listed != null && frame.has("joined")) {
					listed.add(frame.path("joined").asString());
				}
				else if (listed != null && frame.has("left")) {
					listed.remove(frame.path("left").asString());
				}
			}
			return (listed != null) ? List.copyOf(listed) : null;
		}

		boolean isClosed() {
			return this.closed.isDone();
		}

		/**
		 * @return the close code (-1 for an error), or null while open
		 */
		Integer closeCode() {
			return this.closed.getNow(null);
		}

		String closeReason() {
			return this.closeReason;
		}

		@Override
		public void close() {
			if (this.socket != null && !this.socket.isOutputClosed()) {
				this.socket.abort();
			}
		}

	}

}
