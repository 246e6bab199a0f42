package io.pushlab.rfc6455;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeResponseCheckTests {

	/** The key in the classic tutorial's captured request. */
	private static final String KEY = "tDXVE3a5pXSFEKGPT01PWQ==";

	private static final String ACCEPT = "lTyXg6MWoLSGimIUQ212dv1CbS4=";

	@Test
	void aPreRfcResponseWithoutSecWebSocketAcceptFails() {
		HandshakeResponseCheck.Verdict verdict = HandshakeResponseCheck
			.check(KEY, "HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
					+ "WebSocket-Origin: http://localhost:8080\r\nWebSocket-Location: ws://localhost:9527/\r\n\r\n");
		assertThat(verdict.opens()).isFalse();
		assertThat(verdict.checks()).filteredOn((check) -> !check.passed())
			.extracting(HandshakeResponseCheck.Check::name)
			.containsExactly("accept");
		assertThat(verdict.summary())
			.startsWith("The browser fails the WebSocket connection (RFC 6455 §4.1): "
					+ "Sec-WebSocket-Accept is missing; it must be base64(SHA-1(key + \"" + Handshake.GUID + "\")) = "
					+ ACCEPT)
			.endsWith("close with code 1006.");
		assertThat(verdict.notes()).hasSize(2)
			.allSatisfy((note) -> assertThat(note).contains("pre-RFC", "a browser ignores it"));
		assertThat(verdict.notes().get(1)).startsWith("WebSocket-Location: ws://localhost:9527/ is a header");
		assertThat(verdict.expected().accept()).isEqualTo(ACCEPT);
	}

	@Test
	void theTutorialsResponseOpensAndItsWebSocketLocationIsIgnored() {
		HandshakeResponseCheck.Verdict verdict = HandshakeResponseCheck.check(KEY,
				"HTTP/1.1 101 Switching Protocols\r\nUpgrade:websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Accept: " + ACCEPT + "\r\nWebSocket-Location: ws://127.0.0.1:9527\r\n\r\n");
		assertThat(verdict.opens()).isTrue();
		assertThat(verdict.checks()).allSatisfy((check) -> assertThat(check.passed()).as(check.detail()).isTrue());
		assertThat(verdict.notes()).singleElement().asString().startsWith("WebSocket-Location: ws://127.0.0.1:9527 is");
	}

	@Test
	void pushLabsOwnResponseOpens() {
		String response = new String(Handshake.switchingProtocols(Handshake.accept(KEY)));
		HandshakeResponseCheck.Verdict verdict = HandshakeResponseCheck.check(KEY, response);
		assertThat(verdict.opens()).isTrue();
		assertThat(verdict.notes()).isEmpty();
		assertThat(verdict.summary()).startsWith("The browser opens the connection");
	}

	@Test
	void eachRuleOfTheClientIsChecked() {
		String ok = "Upgrade: websocket\nConnection: keep-alive, Upgrade\nSec-WebSocket-Accept: " + ACCEPT + "\n";
		assertThat(failures("HTTP/1.1 101 OK\n" + ok)).isEmpty();
		assertThat(failures("HTTP/1.1 200 OK\n" + ok)).containsExactly("status");
		assertThat(failures("hello\n" + ok)).containsExactly("status");
		assertThat(failures("HTTP/1.1 101 OK\n" + ok.replace("Upgrade: websocket", "Upgrade: h2c")))
			.containsExactly("upgrade");
		assertThat(failures("HTTP/1.1 101 OK\n" + ok.replace("keep-alive, Upgrade", "keep-alive")))
			.containsExactly("connection");
		assertThat(failures("HTTP/1.1 101 OK\n" + ok.replace(ACCEPT, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")))
			.containsExactly("accept");
		assertThat(failures("HTTP/1.1 101 OK\n" + ok + "Sec-WebSocket-Extensions: permessage-deflate\n"))
			.containsExactly("extensions");
		assertThat(failures("HTTP/1.1 101 OK\n" + ok + "Sec-WebSocket-Protocol: chat\n")).containsExactly("protocol");
		assertThat(failures("HTTP/1.1 101 OK\n" + ok + "not a header\n")).containsExactly("syntax");
		// after the empty line comes frame data, not headers
		assertThat(failures("HTTP/1.1 101 OK\n" + ok + "\nnot a header")).isEmpty();
	}

	private static java.util.List<String> failures(String response) {
		return HandshakeResponseCheck.check(KEY, response)
			.checks()
			.stream()
			.filter((check) -> !check.passed())
			.map(HandshakeResponseCheck.Check::name)
			.toList();
	}

}
