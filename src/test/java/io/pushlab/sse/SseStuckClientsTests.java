package io.pushlab.sse;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.support.Api;
import io.pushlab.support.RawSse;
import io.pushlab.support.SseClient;
import io.pushlab.support.SseClient.Event;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many more clients that stop reading than there are writer threads (32 against 2): each
 * stuck stream's write blocks, the pool gets a thread in its place within a tenth of a
 * second, and the stream is ended after {@code write-timeout}. Every healthy client gets
 * every message in order, and each stuck stream is counted once in {@code /api/stats} as
 * a {@code slow_consumer} refusal.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.delivery.threads=2", "pushlab.sse.buffer-size=100", "pushlab.max-text-length=8000" })
@ActiveProfiles("test")
class SseStuckClientsTests {

	static final int STUCK = 32;

	static final int HEALTHY = 20;

	static final int MESSAGES = 1500;

	@LocalServerPort
	int port;

	@Autowired
	SseStreams streams;

	@Test
	void clientsThatStopReadingDelayNobodyAndAreDroppedAndCounted() throws Exception {
		Api api = new Api(this.port);
		String room = "sse-many-stuck";
		long slowBefore = api.rejected("slow_consumer");
		List<Socket> stuck = new ArrayList<>();
		List<SseClient> healthy = new ArrayList<>();
		try {
			for (int i = 0; i < HEALTHY; i++) {
				healthy.add(SseClient.connect(api.uri("/api/rooms/" + room + "/events"), null));
			}
			for (int i = 0; i < STUCK; i++) {
				stuck.add(RawSse.open(this.port, room));
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> this.streams.size(room) == HEALTHY + STUCK);
			// 6 MB per stream: far more than a stuck client's socket buffers hold
			String text = "x".repeat(4000);
			for (int i = 1; i <= MESSAGES; i++) {
				api.publish(room, "alice", text);
			}
			for (SseClient client : healthy) {
				List<Event> received = client.nextMessages(MESSAGES, Duration.ofSeconds(60));
				assertThat(received).hasSize(MESSAGES);
				for (int i = 0; i < MESSAGES; i++) {
					assertThat(received.get(i).id()).isEqualTo(String.valueOf(i + 1));
				}
				assertThat(client.ended()).isFalse();
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> this.streams.size(room) == HEALTHY);
			assertThat(api.rejected("slow_consumer") - slowBefore).isEqualTo(STUCK);
		}
		finally {
			for (Socket socket : stuck) {
				socket.close();
			}
			for (SseClient client : healthy) {
				client.close();
			}
		}
	}

}
