package io.pushlab.websocket;

import java.util.Map;
import java.util.UUID;

import io.pushlab.stats.TechniqueStats;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** WebSocket figures of /api/stats: handshakes, open connections, messages and bytes. */
@ChatServerTest
class ChatStatsTests {

	@LocalServerPort
	int port;

	@Autowired
	TechniqueStats stats;

	@Test
	void countsHandshakesOpenConnectionsAndDeliveredMessages() {
		String room = "stats-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Long> before = websocket();
		try (ChatClient one = ChatClient.connect(this.port, "counted-1");
				ChatClient two = ChatClient.connect(this.port, "counted-2")) {
			ChatClient.refusedHandshake(this.port, "not valid!", Map.of());
			assertThat(websocket().get("requests") - before.get("requests")).isEqualTo(3);
			assertThat(websocket().get("open") - before.get("open")).isEqualTo(2);

			one.join(room);
			two.join(room);
			two.awaitPresence(room, "counted-1", "counted-2");
			Map<String, Long> joined = websocket();
			one.chat(room, "count me", "c");
			String frame = two.awaitReply("chat", "c").toString();
			one.awaitReply("chat", "c");
			await().atMost(ChatClient.WAIT).untilAsserted(() -> {
				Map<String, Long> after = websocket();
				assertThat(after.get("delivered") - joined.get("delivered")).isEqualTo(2);
				assertThat(after.get("bytes") - joined.get("bytes")).isGreaterThanOrEqualTo(2L * frame.length());
			});
		}
		await().atMost(ChatClient.WAIT).until(() -> websocket().get("open").equals(before.get("open")));
	}

	private Map<String, Long> websocket() {
		return this.stats.snapshot().get("websocket");
	}

}
