package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * More clients that stop reading than there are delivery threads: frames go out through
 * the container's asynchronous endpoint, so none of them holds a thread and the readers
 * get every message at once; the stuck ones are closed as too slow. With blocking sends
 * each stuck client held a delivery thread for up to send-time-limit (here 30 s) and
 * every reader waited.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.delivery.threads=2", "pushlab.websocket.max-messages-per-second=0",
				"pushlab.websocket.send-buffer-size=262144", "pushlab.websocket.send-time-limit=30s" })
@ActiveProfiles("test")
class StuckClientsTests {

	static final int MESSAGES = 1000;

	@TestConfiguration(proxyBeanMethods = false)
	static class SmallSocketBuffers {

		@Bean
		TomcatConnectorCustomizer smallSendBuffer() {
			return (connector) -> connector.setProperty("socket.txBufSize", "32768");
		}

	}

	@LocalServerPort
	int port;

	@Autowired
	ChatSessions sessions;

	@Test
	void clientsThatStopReadingHoldNoThreadAndDelayNobody() {
		String room = "stuck";
		String text = "x".repeat(1500);
		List<ChatClient> stuck = new ArrayList<>();
		try (ChatClient sender = ChatClient.connect(this.port, "sender");
				ChatClient reader = ChatClient.connect(this.port, "reader")) {
			for (int i = 0; i < 6; i++) {
				ChatClient client = ChatClient.connect(HttpClient.newHttpClient(), this.port, "stuck" + i, Map.of(),
						false);
				stuck.add(client);
				client.join(room);
			}
			sender.join(room);
			reader.join(room);
			reader.awaitPresence(room, "reader", "sender", "stuck0", "stuck1", "stuck2", "stuck3", "stuck4", "stuck5");

			for (int i = 0; i < MESSAGES; i++) {
				sender.chat(room, text, "m" + i);
				if (i % 50 == 49) {
					sender.awaitReply("chat", "m" + i);
				}
			}
			// blocking sends would hold both delivery threads on stuck clients for 30 s
			// each
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(reader.frames("chat")).hasSize(MESSAGES));
			assertThat(reader.frames("chat")).extracting((chat) -> chat.path("nonce").asString())
				.startsWith("m0", "m1")
				.endsWith("m" + (MESSAGES - 1))
				.doesNotHaveDuplicates();
			await().atMost(Duration.ofSeconds(20)).until(() -> this.sessions.size() == 2);
			assertThat(reader.isClosed()).isFalse();
		}
		finally {
			for (ChatClient client : stuck) {
				client.close();
			}
		}
	}

}
