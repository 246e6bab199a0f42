package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.hub.Presence;
import io.pushlab.support.Api;
import io.pushlab.support.RawChatClient;
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
 * 32 chat clients complete the handshake, join, and never read again (raw sockets with a
 * small receive buffer: the server's writes to them stall), in a room with 100 healthy
 * members. Every healthy member gets every message, in order, promptly; the stuck ones
 * are closed (their queue fills, or a write outlasts send-time-limit) and counted as slow
 * consumers in /api/stats. Before one outbound path per connection, each stuck client
 * held a shared delivery thread for send-time-limit, and 16 of them froze the room.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.websocket.send-buffer-size=65536", "pushlab.websocket.send-time-limit=2s",
				"pushlab.websocket.max-messages-per-second=0" })
@ActiveProfiles("test")
@Import(SmallSendBuffer.class)
class StuckChatClientsTests {

	static final int STUCK = 32;

	static final int HEALTHY = 100;

	static final int MESSAGES = 300;

	@LocalServerPort
	int port;

	@Autowired
	ChatSessions sessions;

	@Autowired
	Presence presence;

	@Test
	void clientsThatStopReadingAreClosedAndCountedWhileEveryoneElseGetsEverythingInOrder() throws Exception {
		String room = "crowd";
		Api api = new Api(this.port);
		long slowBefore = api.rejected("websocket_slow_consumer");
		HttpClient http = HttpClient.newHttpClient();
		List<ChatClient> healthy = new ArrayList<>();
		List<RawChatClient> stuck = new ArrayList<>();
		try {
			for (int i = 0; i < HEALTHY; i++) {
				ChatClient client = ChatClient.connect(http, this.port, "healthy" + i);
				healthy.add(client);
				client.join(room);
			}
			for (int i = 0; i < STUCK; i++) {
				stuck.add(RawChatClient.open(this.port, "stuck" + i, 2048).join(room));
			}
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.presence.members(room).size() == HEALTHY + STUCK
						|| this.sessions.size() < HEALTHY + STUCK);

			String text = "x".repeat(1000);
			long first = 0;
			for (int i = 0; i < MESSAGES; i++) {
				long id = api.publish(room, "alice", text + i).path("id").asLong();
				first = (i == 0) ? id : first;
			}
			long firstId = first;
			for (ChatClient client : healthy) {
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(client.frames("chat")).hasSizeGreaterThanOrEqualTo(MESSAGES));
				List<JsonNode> chats = client.frames("chat");
				assertThat(chats).hasSize(MESSAGES);
				for (int i = 0; i < MESSAGES; i++) {
					assertThat(chats.get(i).path("id").asLong()).isEqualTo(firstId + i);
				}
				assertThat(client.isClosed()).isFalse();
			}

			await().atMost(Duration.ofSeconds(20)).until(() -> this.sessions.size() == HEALTHY);
			assertThat(api.rejected("websocket_slow_consumer") - slowBefore).isEqualTo(STUCK);
			assertThat(this.presence.members(room)).hasSize(HEALTHY).allMatch((name) -> name.startsWith("healthy"));
			// what a stuck client finds when it reads again: the data the kernel held,
			// then the end (1008 when the close frame got out before the socket closed)
			assertThat(stuck.get(0).awaitClose()).isIn(1008, -1);
		}
		finally {
			healthy.forEach(ChatClient::close);
			stuck.forEach(RawChatClient::close);
		}
	}

}
