package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.pushlab.support.SmallSendBuffer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading is disconnected by the server, and while that happens the
 * other members receive every message: small send limits make it quick. On loopback the
 * kernel would otherwise grow the server's socket send buffer to megabytes and swallow
 * the whole test's traffic, so the socket buffer is pinned to a size a real network path
 * would give.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.websocket.max-messages-per-second=0", "pushlab.websocket.send-buffer-size=262144",
				"pushlab.websocket.send-time-limit=3s" })
@ActiveProfiles("test")
@Import(SmallSendBuffer.class)
class SlowConsumerTests {

	static final int MESSAGES = 2000;

	@LocalServerPort
	int port;

	@Autowired
	ChatSessions sessions;

	@Test
	void aClientThatStopsReadingIsClosedAndTheOthersReceiveEverything() {
		String room = "slow";
		String text = "x".repeat(1500);
		try (ChatClient sender = ChatClient.connect(this.port, "sender");
				ChatClient reader1 = ChatClient.connect(this.port, "reader1");
				ChatClient reader2 = ChatClient.connect(this.port, "reader2");
				ChatClient slow = ChatClient.connect(HttpClient.newHttpClient(), this.port, "slow", Map.of(), false)) {
			slow.join(room);
			for (ChatClient client : List.of(sender, reader1, reader2)) {
				client.join(room);
			}
			reader2.awaitPresence(room, "reader1", "reader2", "sender", "slow");
			assertThat(this.sessions.size()).isEqualTo(4);

			for (int i = 0; i < MESSAGES; i++) {
				sender.chat(room, text, "m" + i);
				if (i % 50 == 49) {
					// the sender paces itself on its own echo, as a real client would
					sender.awaitReply("chat", "m" + i);
				}
			}
			for (ChatClient client : List.of(sender, reader1, reader2)) {
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(client.frames("chat").size())
						.as(() -> "sender %d reader1 %d reader2 %d slow %d, sessions %d closed %s %s %s".formatted(
								sender.frames("chat").size(), reader1.frames("chat").size(),
								reader2.frames("chat").size(), slow.received(), this.sessions.size(), sender.isClosed(),
								reader1.isClosed(), reader2.isClosed()))
						.isGreaterThanOrEqualTo(MESSAGES));
				List<JsonNode> chats = client.frames("chat");
				assertThat(chats).hasSize(MESSAGES);
				assertThat(chats).extracting((chat) -> chat.path("nonce").asString())
					.startsWith("m0", "m1", "m2")
					.endsWith("m" + (MESSAGES - 1))
					.doesNotHaveDuplicates();
				assertThat(client.isClosed()).isFalse();
			}

			await().atMost(Duration.ofSeconds(10)).until(() -> this.sessions.size() == 3);
			reader1.awaitPresence(room, "reader1", "reader2", "sender");
			assertThat(slow.received()).as("the slow client read only its first frame").isEqualTo(1);

			slow.resumeReading();
			assertThat(slow.awaitClose()).isIn(1008, 1006, -1);
			assertThat(slow.frames("chat").size()).isLessThan(MESSAGES);
		}
	}

	@Test
	void aClientThatPausesReadingGetsItsBacklogInOrderInBatches() {
		String room = "pause";
		String text = "y".repeat(1500);
		try (ChatClient sender = ChatClient.connect(this.port, "pacer");
				ChatClient paused = ChatClient.connect(HttpClient.newHttpClient(), this.port, "paused", Map.of(),
						false)) {
			paused.join(room);
			sender.join(room);
			sender.awaitPresence(room, "pacer", "paused");
			await().until(() -> this.sessions.connectionsOf("paused").size() == 1);
			Outbound outbound = this.sessions.connectionsOf("paused").iterator().next().outbound();

			// until the paused client's socket buffers are full and frames queue on the
			// server, behind the write that waits for it
			int messages = 0;
			while (outbound.backlog() < 10 && messages < MESSAGES) {
				for (int i = 0; i < 20; i++) {
					sender.chat(room, text, "p" + messages++);
				}
				sender.awaitReply("chat", "p" + (messages - 1));
			}
			assertThat(outbound.backlog()).as("frames queued behind the stalled write").isGreaterThanOrEqualTo(10);
			int sent = messages;

			paused.resumeReading();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(paused.frames("chat")).hasSize(sent));
			assertThat(paused.frames("chat")).extracting((chat) -> chat.path("nonce").asString())
				.containsExactly(IntStream.range(0, sent).mapToObj((i) -> "p" + i).toArray(String[]::new));
			assertThat(paused.isClosed()).isFalse();
			assertThat(outbound.closeReason()).isNull();
			assertThat(outbound.batchedFrames()).as("the backlog went out in batches").isGreaterThan(1);
		}
	}

}
