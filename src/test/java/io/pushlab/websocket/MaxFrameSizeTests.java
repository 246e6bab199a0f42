package io.pushlab.websocket;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container's message buffer follows {@code max-message-bytes} (64 KiB by default,
 * far above the container's own 8 KiB): a frame of exactly the limit is accepted, one
 * byte more closes with 1009.
 */
@DefaultLimitsChatServerTest
class MaxFrameSizeTests {

	static final int LIMIT = 64 * 1024;

	@LocalServerPort
	int port;

	@Test
	void aFrameOfExactlyTheDefaultLimitIsAcceptedAndOneByteMoreClosesWith1009() {
		String room = "max-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient client = ChatClient.connect(this.port, "max-sender")) {
			client.join(room);
			String prefix = "{\"type\":\"chat\",\"room\":\"" + room
					+ "\",\"text\":\"big\",\"nonce\":\"max\",\"pad\":\"";
			String exact = prefix + "p".repeat(LIMIT - prefix.length() - 2) + "\"}";
			assertThat(exact).hasSize(LIMIT);
			client.send(exact);
			client.awaitReply("chat", "max");

			client.send(exact.replace("\"pad\":\"", "\"pad\":\"p"));
			assertThat(client.awaitClose()).isEqualTo(1009);
		}
	}

}
