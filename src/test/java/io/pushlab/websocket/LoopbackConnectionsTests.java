package io.pushlab.websocket;

import java.time.Duration;

import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import io.pushlab.web.ConnectionsPerAddress;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients on the server's own machine are not counted against
 * {@code pushlab.connections.max-per-address} unless
 * {@code pushlab.connections.limit-loopback} is set: the load lab and test suites open
 * many connections from 127.0.0.1.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.connections.max-per-address=1")
@ActiveProfiles("test")
class LoopbackConnectionsTests {

	@LocalServerPort
	int port;

	@Autowired
	ConnectionsPerAddress connections;

	@Test
	void loopbackOpensMoreThanTheCap() throws Exception {
		Api api = new Api(this.port);
		Duration wait = Duration.ofSeconds(20);
		try (SseClient first = SseClient.connect(api.uri("/api/rooms/loop/events"), null);
				SseClient second = SseClient.connect(api.uri("/api/rooms/loop/events"), null);
				ChatClient alice = ChatClient.connect(this.port, "alice");
				ChatClient bob = ChatClient.connect(this.port, "bob")) {
			assertThat(first.response().statusCode()).isEqualTo(200);
			assertThat(second.response().statusCode()).isEqualTo(200);
			assertThat(first.next(wait).retry()).isNotNull();
			assertThat(second.next(wait).retry()).isNotNull();
			alice.join("loop");
			bob.join("loop");
			bob.awaitPresence("loop", "alice", "bob");
			assertThat(alice.isClosed() || bob.isClosed()).isFalse();
			assertThat(this.connections.size()).isZero();
			assertThat(api.rejected(ConnectionsPerAddress.REASON)).isZero();
		}
	}

}
