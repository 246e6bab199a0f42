package io.pushlab.sse;

import java.time.Duration;
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
 * {@code pushlab.sse.timeout}: the server ends a stream after its lifetime, cleanly (the
 * response is complete, the stream leaves the registry), and the client resumes with
 * {@code Last-Event-ID} without losing what was published meanwhile.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.sse.timeout=1s")
@ActiveProfiles("test")
class SseTimeoutTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	SseStreams streams;

	@Test
	void aStreamEndsAfterItsLifetimeAndTheClientResumesWithLastEventId() throws Exception {
		Api api = new Api(this.port);
		String room = "sse-lifetime";
		try (SseClient first = SseClient.connect(api.uri("/api/rooms/" + room + "/events"), null)) {
			assertThat(first.response().statusCode()).isEqualTo(200);
			api.publish(room, "alice", "before the end");
			List<Event> before = first.nextMessages(1, WAIT);
			assertThat(before).hasSize(1);
			await().atMost(WAIT).until(first::ended);
			await().atMost(WAIT).until(() -> this.streams.size(room) == 0);

			api.publish(room, "alice", "while away");
			try (SseClient second = SseClient.connect(api.uri("/api/rooms/" + room + "/events"), before.get(0).id())) {
				List<Event> missed = second.nextMessages(1, WAIT);
				assertThat(Api.parse(missed.get(0).data()).get("text").asString()).isEqualTo("while away");
				assertThat(missed.get(0).id()).isEqualTo("2");
			}
		}
	}

}
