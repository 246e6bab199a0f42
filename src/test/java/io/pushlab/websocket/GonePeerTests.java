package io.pushlab.websocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.hub.Presence;
import io.pushlab.support.Api;
import io.pushlab.support.RawChatClient;
import io.pushlab.support.SmallSendBuffer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that go away (they end the connection without a close frame) while a write to
 * them is still in flight have left; they were not too slow, so {@code /api/stats} does
 * not count them as slow consumers. Tomcat reports the end of the stream as a transport
 * error, and PushLab closes the session; the close frame then waits behind the write in
 * flight and times out, and Tomcat reports that timeout too. When that second report came
 * before the write's own failure it was counted as {@code websocket_slow_consumer} (2 to
 * 17 of the 100 JDK clients that aborted together at the end of a
 * {@code StuckClientsTests} run).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.websocket.max-messages-per-second=0", "pushlab.websocket.send-buffer-size=1048576",
				"pushlab.websocket.send-time-limit=60s" })
@ActiveProfiles("test")
@Import(SmallSendBuffer.class)
class GonePeerTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	static final int LEAVERS = 50;

	@LocalServerPort
	int port;

	@Autowired
	ChatSessions sessions;

	@Autowired
	Presence presence;

	@Test
	void clientsThatGoAwayWhileWritesToThemAreInFlightAreNotCountedAsSlow() throws Exception {
		String room = "gone";
		Api api = new Api(this.port);
		long slowBefore = api.rejected("websocket_slow_consumer");
		List<RawChatClient> leavers = new ArrayList<>();
		try (ChatClient watcher = ChatClient.connect(this.port, "watcher")) {
			watcher.join(room);
			for (int i = 0; i < LEAVERS; i++) {
				leavers.add(RawChatClient.open(this.port, "leaver" + i, 2048).join(room));
			}
			await().atMost(WAIT).until(() -> this.presence.members(room).size() == LEAVERS + 1);

			// the leavers read nothing: their buffers fill, a write to each stays in
			// flight and frames wait behind it (the queues are far from full, the time
			// limit far off)
			String text = "x".repeat(2000);
			await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
				api.publish(room, "alice", text);
				return leavers.stream().allMatch((leaver) -> backlog(leaver) > 0);
			});
			for (RawChatClient leaver : leavers) {
				leaver.shutdownOutput();
			}

			await().atMost(WAIT).until(() -> this.presence.members(room).equals(List.of("watcher")));
			await().atMost(WAIT).until(() -> this.sessions.size() == 1);
			assertThat(api.rejected("websocket_slow_consumer") - slowBefore)
				.as(() -> "refusals in /api/stats: " + api.getJson("/api/stats").path("rejected"))
				.isZero();
			assertThat(watcher.isClosed()).isFalse();
		}
		finally {
			leavers.forEach(RawChatClient::close);
		}
	}

	private int backlog(RawChatClient leaver) {
		return this.sessions.connectionsOf(leaver.user())
			.stream()
			.mapToInt((connection) -> connection.outbound().backlog())
			.sum();
	}

}
