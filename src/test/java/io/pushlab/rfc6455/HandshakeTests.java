package io.pushlab.rfc6455;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HandshakeTests {

	private static final String VALID = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
			+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
			+ "Origin: http://example.com\r\nSec-WebSocket-Version: 13\r\n\r\n";

	@Test
	void acceptOfTheRfcSampleKey() {
		// RFC 6455 §1.3
		Handshake.Explanation explanation = Handshake.explain("dGhlIHNhbXBsZSBub25jZQ==");
		assertThat(explanation.key()).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
		assertThat(explanation.concatenated())
			.isEqualTo("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
		assertThat(explanation.sha1Hex()).isEqualTo("b37a4f2cc0624f1690f64606cf385945b2bec4ea");
		assertThat(explanation.accept()).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	}

	@Test
	void keyMustBeSixteenBytesInBase64() {
		assertThat(Handshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ==")).isTrue();
		assertThat(Handshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ")).isFalse();
		// 17 bytes
		assertThat(Handshake.isValidKey("dGhlIHNhbXBsZSBub25jZSE=")).isFalse();
		assertThat(Handshake.isValidKey("dGhlIHNhbXBsZSBub25j*Q==")).isFalse();
		assertThat(Handshake.isValidKey(null)).isFalse();
		assertThat(Handshake.isValidKey("")).isFalse();
	}

	@Test
	void checkAcceptsTheRfcRequest() throws Exception {
		assertThat(Handshake.check(RequestHead.parse(VALID))).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	}

	@Test
	void headerNamesAndTokensIgnoreCase() throws Exception {
		String request = "GET / HTTP/1.1\nupgrade: WebSocket\nCONNECTION: keep-alive, upgrade\n"
				+ "sec-websocket-key:   dGhlIHNhbXBsZSBub25jZQ==  \nSec-WebSocket-Version: 13\n\n";
		assertThat(Handshake.check(RequestHead.parse(request))).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	}

	@Test
	void refusesWhatTheRfcDoesNotAllow() {
		assertRefused(VALID.replace("GET", "POST"), "method must be GET");
		assertRefused(VALID.replace("HTTP/1.1", "HTTP/1.0"), "HTTP/1.1 or higher");
		assertRefused(VALID.replace("Upgrade: websocket\r\n", ""), "Upgrade: websocket");
		assertRefused(VALID.replace("Upgrade: websocket", "Upgrade: h2c"), "Upgrade: websocket");
		assertRefused(VALID.replace("Connection: Upgrade", "Connection: keep-alive"), "Connection header");
		assertRefused(VALID.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"),
				"Sec-WebSocket-Version must be 13");
		assertRefused(VALID.replace("dGhlIHNhbXBsZSBub25jZQ==", "short"), "Sec-WebSocket-Key");
		assertRefused(VALID.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""), "Sec-WebSocket-Key");
		// two keys are combined into one invalid value
		assertRefused(VALID.replace("Origin:", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin:"),
				"Sec-WebSocket-Key");
	}

	@Test
	void malformedHeadsAreRefused() {
		assertThatExceptionOfType(HandshakeException.class).isThrownBy(() -> RequestHead.parse("GET /\r\n\r\n"))
			.withMessageContaining("request line");
		assertThatExceptionOfType(HandshakeException.class)
			.isThrownBy(() -> RequestHead.parse("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"))
			.withMessageContaining("malformed header line");
		assertThatExceptionOfType(HandshakeException.class)
			.isThrownBy(() -> RequestHead.parse("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"))
			.withMessageContaining("malformed header line");
	}

	@Test
	void readStopsAtTheEndOfTheHead() throws Exception {
		byte[] bytes = (VALID + "\u0081\u0080").getBytes(StandardCharsets.ISO_8859_1);
		java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
		RequestHead head = RequestHead.read(in, 8192);
		assertThat(head.target()).isEqualTo("/chat");
		assertThat(head.header("host")).isEqualTo("server.example.com");
		assertThat(in.readAllBytes()).containsExactly(0x81, 0x80);
	}

	@Test
	void readLimitsTheHeadSize() {
		byte[] bytes = VALID.getBytes(StandardCharsets.US_ASCII);
		assertThatExceptionOfType(HandshakeException.class)
			.isThrownBy(() -> RequestHead.read(new java.io.ByteArrayInputStream(bytes), 64))
			.withMessage("header section over 64 bytes");
		assertThatExceptionOfType(HandshakeException.class)
			.isThrownBy(() -> RequestHead.read(new java.io.ByteArrayInputStream("GET / HTTP/1.1\r\n".getBytes()), 64))
			.withMessageContaining("ended before");
	}

	@Test
	void readRefusesBytesNoRequestLineHasAtOnce() {
		// a TLS ClientHello sent to a plain port: refused at its first byte, without
		// waiting for a line end that never comes
		byte[] tls = { 0x16, 0x03, 0x01, 0x02, 0x00 };
		assertThatExceptionOfType(HandshakeException.class)
			.isThrownBy(() -> RequestHead.read(new java.io.ByteArrayInputStream(tls), 8192))
			.withMessageStartingWith("not an HTTP request: byte 0x16 at offset 0");
		byte[] nul = "GET /\u0000 HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
		assertThatExceptionOfType(HandshakeException.class)
			.isThrownBy(() -> RequestHead.read(new java.io.ByteArrayInputStream(nul), 8192))
			.withMessageStartingWith("not an HTTP request: byte 0x00 at offset 5");
	}

	@Test
	void responses() {
		assertThat(new String(Handshake.switchingProtocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), StandardCharsets.US_ASCII))
			.isEqualTo("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
		String refusal = new String(Handshake.refusal("400 Bad Request", "nope"), StandardCharsets.UTF_8);
		assertThat(refusal).startsWith("HTTP/1.1 400 Bad Request\r\n")
			.contains("Content-Length: 5\r\n", "Sec-WebSocket-Version: 13\r\n", "Connection: close\r\n")
			.endsWith("\r\n\r\nnope\n");
	}

	private static void assertRefused(String request, String reason) {
		assertThatExceptionOfType(HandshakeException.class)
			.isThrownBy(() -> Handshake.check(RequestHead.parse(request)))
			.withMessageContaining(reason);
	}

}
