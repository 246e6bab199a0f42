package io.pushlab.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Who may connect under which name, from which origin, and how big a frame may be. */
@ChatServerTest
class ChatHandshakeTests {

	@LocalServerPort
	int port;

	@Test
	void aNameBelongsToTheSessionThatFirstConnectedWithIt() {
		HttpClient browser = ChatClient.browser(this.port);
		try (ChatClient first = ChatClient.connect(browser, this.port, "owner");
				ChatClient sameSession = ChatClient.connect(browser, this.port, "owner");
				ChatClient otherSession = ChatClient.connect(ChatClient.browser(this.port), this.port, "owner");
				ChatClient noSession = ChatClient.connect(this.port, "owner")) {
			assertThat(otherSession.awaitClose()).isEqualTo(4009);
			assertThat(otherSession.closeReason()).isEqualTo("name in use");
			assertThat(noSession.awaitClose()).isEqualTo(4009);

			sameSession.join("lobby");
			sameSession.awaitFrame((frame) -> frame.path("type").asString().equals("presence"));
			assertThat(sameSession.isClosed()).isFalse();
			assertThat(first.isClosed()).isFalse();
		}
	}

	@Test
	void aNameIsFreeAgainWhenItsSessionsLastConnectionCloses() {
		HttpClient browser = ChatClient.browser(this.port);
		ChatClient one = ChatClient.connect(browser, this.port, "passing");
		ChatClient two = ChatClient.connect(browser, this.port, "passing");
		one.close();
		try (ChatClient stranger = ChatClient.connect(this.port, "passing")) {
			assertThat(stranger.awaitClose()).as("still held by the session's second connection").isEqualTo(4009);
		}
		two.close();
		await().atMost(ChatClient.WAIT).ignoreExceptions().untilAsserted(() -> {
			try (ChatClient next = ChatClient.connect(this.port, "passing")) {
				next.join("lobby");
				await().atMost(ChatClient.WAIT).until(() -> next.isClosed() || !next.frames("history").isEmpty());
				assertThat(next.isClosed()).as("the name is free again").isFalse();
			}
		});
	}

	@Test
	void unicodeNamesAreWelcome() {
		try (ChatClient xiaoming = ChatClient.connect(this.port, "小明")) {
			String room = "unicode-" + UUID.randomUUID().toString().substring(0, 8);
			xiaoming.join(room);
			xiaoming.chat(room, "你好", "u");
			assertThat(xiaoming.awaitReply("chat", "u").path("from").asString()).isEqualTo("小明");
		}
	}

	@Test
	void anInvalidOrMissingNameFailsTheHandshake() {
		assertThat(ChatClient.refusedHandshake(this.port, "no spaces", Map.of())).isEqualTo(403);
		assertThat(ChatClient.refusedHandshake(this.port, "x".repeat(33), Map.of())).isEqualTo(403);
		assertThat(ChatClient.refusedHandshake(this.port, "", Map.of())).isEqualTo(403);
	}

	@Test
	void aForeignOriginFailsTheHandshakeAndTheSameOriginIsAccepted() {
		assertThat(ChatClient.refusedHandshake(this.port, "visitor", Map.of("Origin", "https://evil.example")))
			.isEqualTo(403);
		try (ChatClient local = ChatClient.connect(HttpClient.newHttpClient(), this.port, "visitor",
				Map.of("Origin", "http://localhost:" + this.port), true)) {
			local.join("lobby");
			local.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
		}
	}

	@Test
	void aForeignOrMalformedOriginIsRefusedWith403AndTheReason() throws IOException {
		for (String origin : List.of("https://evil.example", "http://127.0.0.1:abc", "http://a b",
				"http://localhost:" + this.port + ".evil.example")) {
			String answer = handshake("origin-check", origin);
			assertThat(answer).as(origin).startsWith("HTTP/1.1 403 ");
			assertThat(answer).as(origin).containsIgnoringCase("Content-Type: text/plain");
			assertThat(answer).as(origin).endsWith(OriginCheck.REASON);
		}
		assertThat(handshake("origin-check", "http://localhost:" + this.port)).startsWith("HTTP/1.1 101 ");
	}

	/**
	 * Sends an opening handshake on a plain socket (the JDK's WebSocket client keeps a
	 * refusal's body to itself) and reads the answer's head and body.
	 */
	private String handshake(String user, String origin) throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			String request = "GET /ws/chat?user=" + user + " HTTP/1.1\r\nHost: localhost:" + this.port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: " + origin + "\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			InputStream in = socket.getInputStream();
			StringBuilder head = new StringBuilder();
			while (head.indexOf("\r\n\r\n") < 0) {
				int b = in.read();
				if (b < 0) {
					break;
				}
				head.append((char) b);
			}
			Matcher length = Pattern.compile("(?i)Content-Length: *(\\d+)").matcher(head);
			byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
			return head + new String(body, StandardCharsets.UTF_8);
		}
	}

	@Test
	void aFrameUpToTheLimitIsAcceptedAndALargerOneClosesWith1009() {
		String room = "big-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient client = ChatClient.connect(this.port, "big-sender")) {
			client.join(room);
			String prefix = "{\"type\":\"chat\",\"room\":\"" + room
					+ "\",\"text\":\"fits\",\"nonce\":\"fit\",\"pad\":\"";
			String exact = prefix + "p".repeat(4096 - prefix.length() - 2) + "\"}";
			assertThat(exact).hasSize(4096);
			client.send(exact);
			client.awaitReply("chat", "fit");

			client.send(exact.replace("\"pad\":\"", "\"pad\":\"pp"));
			assertThat(client.awaitClose()).isEqualTo(1009);
		}
	}

	@Test
	void aMultiByteFrameOverTheLimitInBytesClosesWith1009() {
		String room = "bytes-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient client = ChatClient.connect(this.port, "wide-sender")) {
			client.join(room);
			// 1,500 characters, 4,500 bytes: over the 4,096-byte limit
			client.chat(room, "界".repeat(1500), "wide");
			assertThat(client.awaitClose()).isEqualTo(1009);
		}
	}

	@Test
	void thePageCreatesTheSessionWhoseCookieGoesWithTheUpgrade() throws Exception {
		HttpResponse<String> page = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/websocket")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().allValues("Set-Cookie")).anyMatch((cookie) -> cookie.startsWith("JSESSIONID="));
	}

}
