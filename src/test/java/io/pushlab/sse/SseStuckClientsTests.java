package io.pushlab.sse;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.support.Api;
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
 * More clients that stop reading than there are delivery threads: none of them may hold a
 * thread (the streams are non-blocking), so a healthy client still gets everything at
 * once, and the stuck ones are dropped. With blocking writes each stuck stream held a
 * delivery thread until the container's write timeout and the healthy client waited.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.delivery.threads=2", "pushlab.sse.buffer-size=100", "pushlab.max-text-length=8000" })
@ActiveProfiles("test")
class SseStuckClientsTests {

	@LocalServerPort
	int port;

	@Autowired
	SseStreams streams;

	@Test
	void clientsThatStopReadingHoldNoThreadAndDelayNobody() throws Exception {
		Api api = new Api(this.port);
		String room = "sse-many-stuck";
		List<Socket> stuck = new ArrayList<>();
		try (SseClient healthy = SseClient.connect(api.uri("/api/rooms/" + room + "/events"), null)) {
			for (int i = 0; i < 8; i++) {
				stuck.add(RawSse.open(this.port, room));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.streams.size(room) == 9);
			// about 12 MB per stream: far more than a stuck client's socket buffers hold
			String text = "x".repeat(4000);
			for (int i = 1; i <= 3000; i++) {
				api.publish(room, "alice", text);
			}
			// blocking writers would wait out the write timeout (20 s) for each stuck
			// stream
			List<Event> received = healthy.nextMessages(3000, Duration.ofSeconds(30));
			assertThat(received).hasSize(3000);
			assertThat(received.get(2999).id()).isEqualTo("3000");
			await().atMost(Duration.ofSeconds(15)).until(() -> this.streams.size(room) == 1);
		}
		finally {
			for (Socket socket : stuck) {
				socket.close();
			}
		}
	}

}
