package io.pushlab.rfc6455;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

class RawWebSocketServerTests {

	private static final int MAX_MESSAGE_BYTES = 100_000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private RawWebSocketServer server;

	private final List<RawClient> clients = new ArrayList<>();

	@BeforeEach
	void start() throws Exception {
		this.server = new RawWebSocketServer(
				new RawWebSocketServer.Settings("127.0.0.1", 0, MAX_MESSAGE_BYTES, 3, 1024),
				(description) -> JSON.writeValueAsString(description.toMap()));
		this.server.start();
	}

	@AfterEach
	void stop() throws Exception {
		for (RawClient client : this.clients) {
			client.close();
		}
		this.server.close();
	}

	@Test
	void answersTheHandshakeWithTheAcceptOfTheKey() throws Exception {
		String response = connect().request(RawClient.upgradeRequest(RawClient.SAMPLE_KEY));
		assertThat(response).isEqualTo("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
	}

	@Test
	void refusesABadHandshakeWith400() throws Exception {
		String response = connect()
			.request(RawClient.upgradeRequest(RawClient.SAMPLE_KEY).replace("Version: 13", "Version: 8"));
		assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n")
			.contains("Sec-WebSocket-Version: 13\r\n")
			.endsWith("Sec-WebSocket-Version must be 13 (RFC 6455 §4.2.1)\n");
		String plainGet = connect().request("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(plainGet).startsWith("HTTP/1.1 400 ").contains("Upgrade: websocket header is needed");
		String garbage = connect().request("\u0016\u0003\u0001 hello TLS?\r\n\r\n");
		assertThat(garbage).startsWith("HTTP/1.1 400 ").contains("not an HTTP request: byte 0x16 at offset 0");
	}

	static Stream<Arguments> badHandshakes() {
		String valid = RawClient.upgradeRequest(RawClient.SAMPLE_KEY);
		byte[] tlsHello = java.util.HexFormat.of().parseHex("160301020001000001fc0303" + "5a".repeat(40));
		return Stream.of(
				Arguments.of("missing key",
						ascii(valid.replace("Sec-WebSocket-Key: " + RawClient.SAMPLE_KEY + "\r\n", "")),
						"Sec-WebSocket-Key must be 16 bytes in base64"),
				Arguments.of("wrong version", ascii(valid.replace("Version: 13", "Version: 8")),
						"Sec-WebSocket-Version must be 13"),
				Arguments.of("not GET", ascii(valid.replace("GET /lab", "POST /lab")), "the method must be GET"),
				Arguments.of("garbage bytes", tlsHello, "not an HTTP request: byte 0x16 at offset 0"),
				Arguments.of("garbage line", ascii("hello there\r\n\r\n"), "malformed request line"),
				Arguments.of("header section over the limit",
						ascii(valid.replace("Host: localhost", "Host: localhost\r\nX-Padding: " + "x".repeat(2000))),
						"header section over 1024 bytes"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badHandshakes")
	void aBadHandshakeGets400AndAClosedSocketWhileOthersAreServed(String name, byte[] request, String reason)
			throws Exception {
		RawClient before = open();
		try (RawClient bad = RawClient.connect(this.server.port())) {
			String response = bad.request(request);
			assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n")
				.contains("Connection: close\r\n")
				.contains(reason);
			assertThat(bad.ended()).as("the server closed the socket").isTrue();
		}
		before.sendText(true, Opcode.TEXT, "still served");
		assertThat(before.readDescription()).containsEntry("text", "still served");
		RawClient after = open();
		after.sendText(true, Opcode.TEXT, "served after");
		assertThat(after.readDescription()).containsEntry("text", "served after");
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	@Test
	void refusesAnOversizedHandshake() throws Exception {
		String huge = RawClient.upgradeRequest(RawClient.SAMPLE_KEY)
			.replace("Host: localhost", "Host: localhost\r\nX-Padding: " + "x".repeat(2000));
		assertThat(connect().request(huge)).startsWith("HTTP/1.1 400 ").contains("header section over 1024 bytes");
	}

	@Test
	void describesATextMessage() throws Exception {
		RawClient client = open();
		client.sendBytes(java.util.HexFormat.of().parseHex("818537fa213d7f9f4d5158"));
		assertThat(client.readDescription()).containsExactly(entry("fin", true), entry("opcode", 1),
				entry("masked", true), entry("maskingKey", "37fa213d"), entry("payloadLength", 5),
				entry("lengthEncoding", "7-bit"), entry("headerHex", "818537fa213d"), entry("payloadHex", "7f9f4d5158"),
				entry("text", "Hello"));
	}

	@Test
	void describesSixteenAndSixtyFourBitLengthsAndBinary() throws Exception {
		RawClient client = open();
		client.sendText(true, Opcode.TEXT, "x".repeat(200));
		assertThat(client.readDescription()).containsEntry("payloadLength", 200)
			.containsEntry("lengthEncoding", "16-bit")
			.containsEntry("headerHex", "81fe00c837fa213d");
		client.sendText(true, Opcode.TEXT, "y".repeat(70_000));
		Map<String, Object> big = client.readDescription();
		assertThat(big).containsEntry("payloadLength", 70_000).containsEntry("lengthEncoding", "64-bit");
		assertThat((String) big.get("text")).hasSize(70_000);
		client.send(Frame.of(true, Opcode.BINARY, RawClient.KEY, new byte[] { 0, 1, 2 }));
		assertThat(client.readDescription()).containsEntry("opcode", 2)
			.containsEntry("text", null)
			.containsEntry("payloadHex", "37fb23");
	}

	@Test
	void joinsFragmentsAndAnswersPingsBetweenThem() throws Exception {
		RawClient client = open();
		client.sendText(false, Opcode.TEXT, "Hel");
		client.send(Frame.of(true, Opcode.PING, RawClient.KEY, "are you there?".getBytes()));
		client.sendText(false, Opcode.CONTINUATION, "lo, ");
		client.sendText(true, Opcode.CONTINUATION, "wörld");
		Frame pong = client.read();
		assertThat(pong.opcode()).isEqualTo(Opcode.PONG);
		assertThat(pong.masked()).isFalse();
		assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("are you there?");
		assertThat(client.readDescription()).containsEntry("fin", false)
			.containsEntry("opcode", 1)
			.containsEntry("payloadLength", 3)
			.containsEntry("text", "Hello, wörld")
			.containsEntry("fragments", 3);
	}

	@Test
	void decodesFramesThatArriveTogetherOrByteByByte() throws Exception {
		byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
		java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
		// a fragmented text with a ping between its fragments and "€" split across two,
		// then a whole text message
		stream.writeBytes(FrameCodec.encode(Frame.of(false, Opcode.TEXT, RawClient.KEY, new byte[] { 'a', euro[0] })));
		stream.writeBytes(FrameCodec.encode(Frame.of(true, Opcode.PING, RawClient.KEY, "p".getBytes())));
		stream.writeBytes(
				FrameCodec.encode(Frame.of(true, Opcode.CONTINUATION, RawClient.KEY, new byte[] { euro[1], euro[2] })));
		stream.writeBytes(FrameCodec.encode(Frame.of(true, Opcode.TEXT, RawClient.KEY, "next".getBytes())));
		byte[] bytes = stream.toByteArray();

		RawClient together = open();
		together.sendBytes(bytes);
		assertTogetherOrByteByByte(together);

		RawClient byteByByte = open();
		for (byte b : bytes) {
			byteByByte.sendBytes(new byte[] { b });
		}
		assertTogetherOrByteByByte(byteByByte);
	}

	private static void assertTogetherOrByteByByte(RawClient client) throws Exception {
		Frame pong = client.read();
		assertThat(pong.opcode()).isEqualTo(Opcode.PONG);
		assertThat(pong.payload()).isEqualTo("p".getBytes());
		assertThat(client.readDescription()).containsEntry("text", "a€").containsEntry("fragments", 2);
		assertThat(client.readDescription()).containsEntry("text", "next").doesNotContainKey("fragments");
	}

	@Test
	void refusesABadHeaderBeforeItsPayloadArrives() throws Exception {
		java.util.HexFormat hex = java.util.HexFormat.of();
		// only headers are sent: the server must not wait for the payloads they announce
		// an unmasked binary frame of 1 GiB
		assertFailsWith(1002, (client) -> client.sendBytes(hex.parseHex("827f0000000040000000")));
		// a masked binary frame of 2^40 bytes, over the message limit
		assertFailsWith(1009, (client) -> client.sendBytes(hex.parseHex("82ff000001000000000037fa213d")));
		// a ping of 2^40 bytes: a control frame over 125 bytes, whatever the limit
		assertFailsWith(1002, (client) -> client.sendBytes(hex.parseHex("89ff000001000000000037fa213d")));
		// RSV2 set
		assertFailsWith(1002, (client) -> client.sendBytes(hex.parseHex("a2ff000001000000000037fa213d")));
	}

	@Test
	void completesTheClosingHandshake() throws Exception {
		RawClient client = open();
		client.send(Frame.of(true, Opcode.CLOSE, RawClient.KEY, new byte[] { 0x03, (byte) 0xe8, 'b', 'y', 'e' }));
		assertThat(client.readCloseThenEnd()).isEqualTo(1000);
		RawClient silent = open();
		silent.send(Frame.of(true, Opcode.CLOSE, RawClient.KEY, new byte[0]));
		assertThat(silent.readCloseThenEnd()).isEqualTo(-1);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.openConnections() == 0);
	}

	@Test
	void failsOnProtocolErrors() throws Exception {
		assertFailsWith(1002, (client) -> client.send(Frame.unmasked(Opcode.TEXT, "Hello".getBytes())));
		assertFailsWith(1002, (client) -> client.send(Frame.of(true, 0x3, RawClient.KEY, new byte[0])));
		assertFailsWith(1002, (client) -> client
			.send(new Frame(true, 4, Opcode.TEXT, RawClient.KEY, new byte[0], LengthEncoding.SEVEN_BIT)));
		assertFailsWith(1002, (client) -> client.send(Frame.of(false, Opcode.PING, RawClient.KEY, new byte[0])));
		assertFailsWith(1002, (client) -> client.send(Frame.of(true, Opcode.PING, RawClient.KEY, new byte[126])));
		assertFailsWith(1002, (client) -> client.sendText(true, Opcode.CONTINUATION, "nothing to continue"));
		assertFailsWith(1002, (client) -> {
			client.sendText(false, Opcode.TEXT, "a");
			client.sendText(true, Opcode.TEXT, "b");
		});
		assertFailsWith(1002, (client) -> client.send(Frame.of(true, Opcode.CLOSE, RawClient.KEY, new byte[] { 3 })));
		assertFailsWith(1002,
				(client) -> client.send(Frame.of(true, Opcode.CLOSE, RawClient.KEY, new byte[] { 0x03, (byte) 0xed }))); // 1005
	}

	@Test
	void failsOnInvalidUtf8SplitAcrossFragments() throws Exception {
		// ED A0 80 would be a surrogate: each fragment alone could be the start of valid
		// text
		assertFailsWith(1007, (client) -> {
			client.send(Frame.of(false, Opcode.TEXT, RawClient.KEY, new byte[] { 'a', (byte) 0xed }));
			client.send(Frame.of(true, Opcode.CONTINUATION, RawClient.KEY, new byte[] { (byte) 0xa0, (byte) 0x80 }));
		});
		// the connection fails in the fragment that breaks the text, before the last one
		assertFailsWith(1007, (client) -> {
			client.send(Frame.of(false, Opcode.TEXT, RawClient.KEY, new byte[] { (byte) 0xed }));
			client.send(Frame.of(false, Opcode.CONTINUATION, RawClient.KEY, new byte[] { (byte) 0xa0 }));
		});
		// and a message may not end inside a character
		assertFailsWith(1007, (client) -> {
			client.send(Frame.of(false, Opcode.TEXT, RawClient.KEY, "ok".getBytes()));
			client.send(Frame.of(true, Opcode.CONTINUATION, RawClient.KEY, new byte[] { (byte) 0xe2, (byte) 0x82 }));
		});
	}

	@Test
	void failsOnInvalidUtf8() throws Exception {
		assertFailsWith(1007, (client) -> client
			.send(Frame.of(true, Opcode.TEXT, RawClient.KEY, new byte[] { (byte) 0xed, (byte) 0xa0, (byte) 0x80 })));
		assertFailsWith(1007, (client) -> client
			.send(Frame.of(true, Opcode.CLOSE, RawClient.KEY, new byte[] { 0x03, (byte) 0xe8, (byte) 0xff })));
	}

	@Test
	void failsOnMessagesOverTheLimit() throws Exception {
		assertFailsWith(1009,
				(client) -> client.send(Frame.of(true, Opcode.BINARY, RawClient.KEY, new byte[MAX_MESSAGE_BYTES + 1])));
		assertFailsWith(1009, (client) -> {
			client.send(Frame.of(false, Opcode.BINARY, RawClient.KEY, new byte[MAX_MESSAGE_BYTES / 2 + 1]));
			client.send(Frame.of(true, Opcode.CONTINUATION, RawClient.KEY, new byte[MAX_MESSAGE_BYTES / 2 + 1]));
		});
	}

	@Test
	void aFailedConnectionLeavesTheOthersAlone() throws Exception {
		RawClient good = open();
		RawClient bad = open();
		bad.send(Frame.unmasked(Opcode.TEXT, "unmasked".getBytes()));
		assertThat(bad.readCloseThenEnd()).isEqualTo(1002);
		good.sendText(true, Opcode.TEXT, "still here");
		assertThat(good.readDescription()).containsEntry("text", "still here");
	}

	@Test
	void refusesClientsOverTheLimitWith503() throws Exception {
		open();
		open();
		open();
		String response = connect().request(RawClient.upgradeRequest(RawClient.SAMPLE_KEY));
		assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable").contains("too many connections (3)");
		assertThat(this.server.openConnections()).isEqualTo(3);
	}

	@Test
	void saysGoodbyeWhenClosed() throws Exception {
		RawClient client = open();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.openConnections() == 1);
		CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
			try {
				Frame close = client.read();
				client.send(Frame.of(true, Opcode.CLOSE, RawClient.KEY, close.payload()));
				return ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		this.server.close();
		assertThat(code.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
		assertThat(client.ended()).isTrue();
		assertThat(this.server.openConnections()).isZero();
	}

	@Test
	void closingDisconnectsClientsStillInTheirHandshake() throws Exception {
		RawClient halfway = connect();
		halfway.sendBytes("GET / HTTP/1.1\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.openConnections() == 1);
		this.server.close();
		// no close frame on a connection that never became a WebSocket
		assertThat(halfway.ended()).isTrue();
	}

	@Test
	void talksWithTheJdkWebSocketClient() throws Exception {
		List<String> texts = new CopyOnWriteArrayList<>();
		CompletableFuture<String> pong = new CompletableFuture<>();
		CompletableFuture<Integer> closed = new CompletableFuture<>();
		StringBuilder partial = new StringBuilder();
		WebSocket.Listener listener = new WebSocket.Listener() {

			@Override
			public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
				partial.append(data);
				if (last) {
					texts.add(partial.toString());
					partial.setLength(0);
				}
				webSocket.request(1);
				return null;
			}

			@Override
			public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
				pong.complete(StandardCharsets.UTF_8.decode(message).toString());
				webSocket.request(1);
				return null;
			}

			@Override
			public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
				closed.complete(statusCode);
				return null;
			}

		};
		WebSocket socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + this.server.port() + "/lab"), listener)
			.get(5, TimeUnit.SECONDS);
		socket.sendText("Hello from java.net.http", true).get(5, TimeUnit.SECONDS);
		socket.sendText("split ", false).get(5, TimeUnit.SECONDS);
		socket.sendText("in two", true).get(5, TimeUnit.SECONDS);
		socket.sendBinary(ByteBuffer.wrap(new byte[] { 0, 1, 2, (byte) 0xff }), true).get(5, TimeUnit.SECONDS);
		socket.sendPing(ByteBuffer.wrap("ping!".getBytes())).get(5, TimeUnit.SECONDS);
		assertThat(pong.get(5, TimeUnit.SECONDS)).isEqualTo("ping!");
		await().atMost(Duration.ofSeconds(5)).until(() -> texts.size() == 3);
		Map<?, ?> first = JSON.readValue(texts.get(0), Map.class);
		assertThat(first.get("masked")).isEqualTo(true);
		assertThat((String) first.get("maskingKey")).matches("[0-9a-f]{8}");
		assertThat(first.get("text")).isEqualTo("Hello from java.net.http");
		Map<?, ?> second = JSON.readValue(texts.get(1), Map.class);
		assertThat(second.get("text")).isEqualTo("split in two");
		assertThat(second.get("fragments")).isEqualTo(2);
		Map<?, ?> binary = JSON.readValue(texts.get(2), Map.class);
		assertThat(binary.get("opcode")).isEqualTo(2);
		assertThat(binary.get("payloadLength")).isEqualTo(4);
		assertThat(binary.get("text")).isNull();
		String key = (String) binary.get("maskingKey");
		assertThat((String) binary.get("payloadHex")).isEqualTo(java.util.HexFormat.of()
			.formatHex(Masking.apply(java.util.HexFormat.of().parseHex(key), new byte[] { 0, 1, 2, (byte) 0xff })));
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
		assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
	}

	private RawClient connect() throws Exception {
		RawClient client = RawClient.connect(this.server.port());
		this.clients.add(client);
		return client;
	}

	private RawClient open() throws Exception {
		RawClient client = RawClient.open(this.server.port());
		this.clients.add(client);
		return client;
	}

	private void assertFailsWith(int code, ClientAction action) throws Exception {
		try (RawClient client = RawClient.open(this.server.port())) {
			action.run(client);
			assertThat(client.readCloseThenEnd()).as("close code").isEqualTo(code);
		}
	}

	@FunctionalInterface
	private interface ClientAction {

		void run(RawClient client) throws Exception;

	}

}
