package io.pushlab.websocket;

import java.time.Duration;
import java.util.List;

import io.pushlab.hub.Presence;
import io.pushlab.support.Api;
import io.pushlab.support.RawChatClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that never answers a ping (a raw socket that answers nothing, as a vanished
 * laptop does while TCP still holds the connection) is closed once pong-timeout passes,
 * so it leaves its rooms; a client that answers pings stays.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.websocket.ping-interval=200ms", "pushlab.websocket.pong-timeout=1s" })
@ActiveProfiles("test")
class DeadPeerTests {

	@LocalServerPort
	int port;

	@Autowired
	ChatSessions sessions;

	@Autowired
	Presence presence;

	@Test
	void aPeerThatNeverAnswersAPingIsClosedAndLeavesItsRooms() throws Exception {
		String room = "haunted";
		Api api = new Api(this.port);
		long before = api.getJson("/api/stats").path("rejected").path("websocket_no_pong").asLong(0);
		try (ChatClient watcher = ChatClient.connect(this.port, "watcher");
				RawChatClient ghost = RawChatClient.open(this.port, "ghost", 65536)) {
			watcher.join(room);
			ghost.join(room);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.presence.members(room).equals(List.of("ghost", "watcher")));

			assertThat(ghost.awaitClose()).as("the close frame reaches a peer that reads").isEqualTo(1008);
			await().atMost(Duration.ofSeconds(20)).until(() -> this.presence.members(room).equals(List.of("watcher")));
			assertThat(this.sessions.size()).isEqualTo(1);
			assertThat(api.getJson("/api/stats").path("rejected").path("websocket_no_pong").asLong(0) - before)
				.isEqualTo(1);

			// the JDK client answers every ping: it outlives many pong timeouts
			int pings = watcher.pings();
			await().atMost(Duration.ofSeconds(20)).until(() -> watcher.pings() >= pings + 10);
			assertThat(watcher.isClosed()).isFalse();
		}
	}

}
