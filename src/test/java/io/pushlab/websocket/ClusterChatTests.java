package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.pushlab.cluster.ClusterInstance;
import io.pushlab.hub.Presence;
import io.pushlab.support.Instance;
import io.pushlab.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSocket chat across two instances sharing one Redis: group and private messages
 * between users on different instances, presence and name ownership that agree
 * everywhere, and an instance that stops heartbeating (a crash) leaves no ghosts.
 */
class ClusterChatTests {

	/** Names stay reserved for their owner this long after the owner left. */
	static final String GRACE = "--pushlab.websocket.name-grace=4s";

	static RedisServer redis;

	static Instance a;

	static Instance b;

	static String prefix;

	@BeforeAll
	static void startCluster() {
		redis = RedisServer.start();
		prefix = "pushlab-chat-" + UUID.randomUUID() + ":";
		a = Instance.start(redis.port(), prefix, "--pushlab.redis.instance-ttl=1500ms", GRACE);
		b = Instance.start(redis.port(), prefix, "--pushlab.redis.instance-ttl=1500ms", GRACE);
	}

	@AfterAll
	static void stopCluster() {
		for (AutoCloseable closeable : new AutoCloseable[] { b, a, redis }) {
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
	void usersOnTwoInstancesChatInARoomAndPrivatelyAndSeeTheSamePresence() {
		String room = "cluster-chat";
		try (ChatClient alice = ChatClient.connect(a.port(), "alice");
				ChatClient bob = ChatClient.connect(b.port(), "bob");
				ChatClient carol = ChatClient.connect(b.port(), "carol")) {
			alice.join(room);
			bob.join(room);
			carol.join(room);
			for (ChatClient client : List.of(alice, bob, carol)) {
				client.awaitPresence(room, "alice", "bob", "carol");
			}
			assertThat(a.bean(Presence.class).members(room)).containsExactly("alice", "bob", "carol");
			assertThat(b.bean(Presence.class).members(room)).containsExactly("alice", "bob", "carol");

			alice.chat(room, "hello from A", "g-1");
			JsonNode onB = bob.awaitReply("chat", "g-1");
			JsonNode onA = alice.awaitReply("chat", "g-1");
			assertThat(onB.path("id").asLong()).isPositive().isEqualTo(onA.path("id").asLong());
			assertThat(onB.path("from").asString()).isEqualTo("alice");
			bob.chat(room, "hello from B", "g-2");
			assertThat(alice.awaitReply("chat", "g-2").path("id").asLong()).isEqualTo(onA.path("id").asLong() + 1);

			bob.send("type", "private", "to", "alice", "text", "psst", "nonce", "p-1");
			JsonNode received = alice.awaitReply("private", "p-1");
			assertThat(received.path("from").asString()).isEqualTo("bob");
			assertThat(received.path("to").asString()).isEqualTo("alice");
			assertThat(received.path("text").asString()).isEqualTo("psst");
			bob.awaitReply("private", "p-1");
			// a later room message reaches carol; the private one never does
			alice.chat(room, "after", "g-3");
			carol.awaitReply("chat", "g-3");
			assertThat(carol.frames("private")).isEmpty();

			bob.send("type", "private", "to", "nobody-here", "text", "hi", "nonce", "p-2");
			assertThat(bob.awaitReply("error", "p-2").path("code").asString()).isEqualTo("user_offline");

			alice.close();
			bob.awaitPresence(room, "bob", "carol");
			assertThat(a.bean(Presence.class).members(room)).containsExactly("bob", "carol");
		}
	}

	@Test
	void aNameHeldOnOneInstanceIsRefusedOnTheOtherButFollowsItsOwnersSession() {
		HttpClient danasBrowser = ChatClient.browser(a.port());
		try (ChatClient dana = ChatClient.connect(danasBrowser, a.port(), "dana");
				ChatClient impostor = ChatClient.connect(b.port(), "dana")) {
			assertThat(impostor.awaitClose()).isEqualTo(4009);
			assertThat(impostor.closeReason()).isEqualTo("name in use");
			// the same browser (its session cookie from A) may use the name on B too
			try (ChatClient danaOnB = ChatClient.connect(danasBrowser, b.port(), "dana")) {
				danaOnB.join("cluster-names");
				danaOnB.awaitPresence("cluster-names", "dana");
				assertThat(danaOnB.isClosed()).isFalse();
			}
			assertThat(dana.isClosed()).isFalse();
		}
		// once every connection of dana is gone, the name is reserved for her session on
		// every instance for the grace period, then free everywhere
		await().atMost(ChatClient.WAIT).ignoreExceptions().untilAsserted(() -> {
			try (ChatClient impostor = ChatClient.connect(a.port(), "dana")) {
				assertThat(impostor.awaitClose()).isEqualTo(4009);
				assertThat(impostor.closeReason()).isEqualTo("name reserved");
			}
		});
		try (ChatClient back = ChatClient.connect(danasBrowser, b.port(), "dana")) {
			back.join("cluster-names");
			back.awaitPresence("cluster-names", "dana");
			assertThat(back.isClosed()).as("dana's session gets her name back on the other instance").isFalse();
			// "dɑna" with a Latin alpha (U+0251): one script, but it looks like dana
			try (ChatClient lookAlike = ChatClient.connect(a.port(), "d\u0251na")) {
				assertThat(lookAlike.awaitClose()).isEqualTo(4009);
				assertThat(lookAlike.closeReason()).isEqualTo("name looks like one in use");
			}
		}
		long left = System.nanoTime();
		await().atMost(ChatClient.WAIT).ignoreExceptions().untilAsserted(() -> {
			try (ChatClient newcomer = ChatClient.connect(b.port(), "dana")) {
				newcomer.join("cluster-names");
				await().atMost(ChatClient.WAIT)
					.until(() -> newcomer.isClosed() || !newcomer.frames("history").isEmpty());
				assertThat(newcomer.isClosed()).as("free after the grace period").isFalse();
				newcomer.awaitPresence("cluster-names", "dana");
			}
		});
		assertThat(Duration.ofNanos(System.nanoTime() - left)).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void anInstanceThatStopsHeartbeatingLeavesNoGhosts() {
		String room = "cluster-ghosts";
		try (Instance c = Instance.start(redis.port(), prefix, "--pushlab.redis.instance-ttl=1500ms");
				ChatClient erin = ChatClient.connect(a.port(), "erin");
				ChatClient frank = ChatClient.connect(c.port(), "frank")) {
			erin.join(room);
			frank.join(room);
			erin.awaitPresence(room, "erin", "frank");
			// C freezes: its connections stay open, but it no longer renews its liveness
			c.bean(ClusterInstance.class).stop();
			erin.awaitPresence(room, "erin");
			assertThat(b.bean(Presence.class).members(room)).containsExactly("erin");
			// and its names are free again
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				try (ChatClient newFrank = ChatClient.connect(b.port(), "frank")) {
					newFrank.join(room);
					erin.awaitPresence(room, "erin", "frank");
					assertThat(newFrank.isClosed()).isFalse();
				}
			});
		}
	}

}
