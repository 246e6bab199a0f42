package io.pushlab.websocket;

import java.nio.ByteBuffer;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every refused frame is answered with an {@code error} frame carrying the contract's
 * code and the client's nonce, and the connection keeps working. ({@code rate_limited} is
 * in {@link ChatRateLimitTests}.)
 */
@ChatServerTest
class ChatErrorTests {

	@LocalServerPort
	int port;

	String room;

	@BeforeEach
	void room() {
		this.room = "errors-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@ParameterizedTest(name = "{0} for {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			bad_json     | `{"type": "chat", "room": `
			bad_json     | `["chat"]`
			bad_json     | `"just a string"`
			bad_json     | `{"type": "chat", "room": "ROOM", "text": "x", "nonce": 42}`
			unknown_type | `{"type": "shout", "room": "ROOM", "text": "hi", "nonce": "N"}`
			unknown_type | `{"room": "ROOM", "text": "hi", "nonce": "N"}`
			invalid_room | `{"type": "chat", "room": "Not A Room!", "text": "hi", "nonce": "N"}`
			invalid_room | `{"type": "join", "nonce": "N"}`
			invalid_room | `{"type": "join", "room": 7, "nonce": "N"}`
			invalid_text | `{"type": "chat", "room": "ROOM", "text": "   ", "nonce": "N"}`
			invalid_text | `{"type": "chat", "room": "ROOM", "nonce": "N"}`
			invalid_text | `{"type": "private", "to": "somebody", "text": "", "nonce": "N"}`
			not_joined   | `{"type": "chat", "room": "elsewhere", "text": "hi", "nonce": "N"}`
			not_joined   | `{"type": "leave", "room": "elsewhere", "nonce": "N"}`
			user_offline | `{"type": "private", "to": "no-such-user", "text": "hi", "nonce": "N"}`
			user_offline | `{"type": "private", "to": "not a name!", "text": "hi", "nonce": "N"}`
			""")
	void refusedFrameGetsItsErrorAndTheConnectionStaysUsable(String code, String frame) {
		String nonce = "bad-" + UUID.randomUUID().toString().substring(0, 8);
		String user = "err-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient client = ChatClient.connect(this.port, user)) {
			client.join(this.room);
			client.awaitFrame((f) -> f.path("type").asString().equals("presence"));
			client.send(frame.replace("ROOM", this.room).replace("\"N\"", "\"" + nonce + "\""));

			JsonNode error = client.awaitFrame((f) -> f.path("type").asString().equals("error"));
			assertThat(error.path("code").asString()).isEqualTo(code);
			assertThat(error.path("message").asString()).isNotBlank();
			if (frame.contains("\"N\"")) {
				assertThat(error.path("nonce").asString()).isEqualTo(nonce);
			}
			else {
				assertThat(error.path("nonce").isNull()).isTrue();
			}

			client.chat(this.room, "still here", "ok-" + nonce);
			JsonNode chat = client.awaitReply("chat", "ok-" + nonce);
			assertThat(chat.path("text").asString()).isEqualTo("still here");
			assertThat(client.frames("error")).hasSize(1);
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void aBinaryMessageGetsBadJsonAndTheConnectionStaysUsable() {
		try (ChatClient client = ChatClient.connect(this.port, "err-binary")) {
			client.join(this.room);
			client.awaitFrame((f) -> f.path("type").asString().equals("presence"));
			// in three fragments, 3,000 bytes in all (under the 4,096-byte limit)
			client.socket().sendBinary(ByteBuffer.wrap(new byte[1000]), false).join();
			client.socket().sendBinary(ByteBuffer.wrap(new byte[1000]), false).join();
			client.socket().sendBinary(ByteBuffer.wrap(new byte[1000]), true).join();

			JsonNode error = client.awaitFrame((f) -> f.path("type").asString().equals("error"));
			assertThat(error.path("code").asString()).isEqualTo("bad_json");
			assertThat(error.path("message").asString()).isEqualTo(ChatWebSocketHandler.BINARY);
			assertThat(error.path("nonce").isNull()).isTrue();
			client.chat(this.room, "still here", "after-binary");
			assertThat(client.awaitReply("chat", "after-binary").path("text").asString()).isEqualTo("still here");
			assertThat(client.frames("error")).hasSize(1);
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void aBinaryMessageOverTheLimitClosesWith1009() {
		try (ChatClient client = ChatClient.connect(this.port, "err-binary-big")) {
			client.socket().sendBinary(ByteBuffer.wrap(new byte[3000]), false).join();
			client.socket().sendBinary(ByteBuffer.wrap(new byte[3000]), true).join();
			assertThat(client.awaitClose()).isEqualTo(1009);
		}
	}

	@Test
	void aNonceIsCountedInCharacters() {
		String nonce = "😀".repeat(64);
		try (ChatClient client = ChatClient.connect(this.port, "err-emoji")) {
			client.join(this.room);
			client.chat(this.room, "sixty-four emoji", nonce);
			assertThat(client.awaitReply("chat", nonce).path("nonce").asString()).isEqualTo(nonce);
			client.chat(this.room, "sixty-five", nonce + "😀");
			JsonNode error = client.awaitFrame((f) -> f.path("type").asString().equals("error"));
			assertThat(error.path("message").asString()).isEqualTo("nonce: must be at most 64 characters");
		}
	}

	@Test
	void errorMessagesNameTheFieldAtFault() {
		try (ChatClient client = ChatClient.connect(this.port, "err-fields")) {
			client.send("type", "chat", "room", this.room, "text", "x".repeat(2001), "nonce", "long");
			assertThat(client.awaitReply("error", "long").path("message").asString()).startsWith("text: ")
				.contains("2000");
			client.send("type", "join", "room", "-bad", "nonce", "room");
			assertThat(client.awaitReply("error", "room").path("message").asString()).startsWith("room: ");
			client.send("type", "join", "room", this.room, "nonce", "n".repeat(65));
			JsonNode nonce = client.awaitFrame((f) -> f.path("message").asString("").startsWith("nonce: "));
			assertThat(nonce.path("code").asString()).isEqualTo("bad_json");
			client.send("type", "chat", "room", this.room, "text", "not joined yet", "nonce", "nj");
			assertThat(client.awaitReply("error", "nj").path("message").asString()).startsWith("room: ")
				.contains("join");
		}
	}

}
