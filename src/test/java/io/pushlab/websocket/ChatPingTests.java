package io.pushlab.websocket;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server pings every connection each ping-interval.
 */
@DefaultLimitsChatServerTest
class ChatPingTests {

	@LocalServerPort
	int port;

	@Test
	void idleConnectionsArePingedOnTheInterval() {
		try (ChatClient idle = ChatClient.connect(this.port, "idle")) {
			long started = System.nanoTime();
			await().atMost(Duration.ofSeconds(15)).until(() -> idle.pings() >= 3);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(500));
			assertThat(idle.frames()).as("pings are control frames, not chat frames").isEmpty();
			assertThat(idle.isClosed()).isFalse();
		}
	}

}
