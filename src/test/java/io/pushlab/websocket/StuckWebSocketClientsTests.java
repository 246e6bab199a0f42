package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import io.pushlab.support.SseClient.Event;
import io.pushlab.support.SmallSendBuffer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket clients that stop reading, more of them than delivery threads (here 2), in a
 * room an SSE stream also follows: the SSE stream must still get every message at once.
 * WebSocket writes never block: a stuck client's frames wait in its own queue (up to
 * send-time-limit, here 30 s), not on a thread. When WebSocket sends blocked on the
 * delivery pool, the stuck sends held both threads and the stream waited.
 * {@code StuckSseStreamsTests} is the other direction.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.delivery.threads=2", "pushlab.websocket.max-messages-per-second=0",
				"pushlab.websocket.send-buffer-size=262144", "pushlab.websocket.send-time-limit=30s" })
@ActiveProfiles("test")
@Import(SmallSendBuffer.class)
class StuckWebSocketClientsTests {

	static final int MESSAGES = 1000;

	@LocalServerPort
	int port;

	@Test
	void webSocketClientsThatStopReadingDoNotDelayAnSseStream() throws Exception {
		String room = "stuck-ws";
		Api api = new Api(this.port);
		List<ChatClient> stuck = new ArrayList<>();
		try (ChatClient watcher = ChatClient.connect(this.port, "watcher");
				SseClient stream = SseClient.connect(api.uri("/api/rooms/" + room + "/events"), null)) {
			watcher.join(room);
			for (int i = 0; i < 6; i++) {
				ChatClient client = ChatClient.connect(HttpClient.newHttpClient(), this.port, "stuck" + i, Map.of(),
						false);
				stuck.add(client);
				client.join(room);
			}
			watcher.awaitPresence(room, "stuck0", "stuck1", "stuck2", "stuck3", "stuck4", "stuck5", "watcher");

			String text = "x".repeat(1500);
			for (int i = 1; i <= MESSAGES; i++) {
				api.publish(room, "alice", text);
			}
			// blocking WebSocket sends would keep both delivery threads in stuck sends
			// for
			// 30 s each
			List<Event> received = stream.nextMessages(MESSAGES, Duration.ofSeconds(20));
			assertThat(received).hasSize(MESSAGES);
			assertThat(received.get(MESSAGES - 1).id()).isEqualTo(Integer.toString(MESSAGES));
		}
		finally {
			for (ChatClient client : stuck) {
				client.close();
			}
		}
	}

}
