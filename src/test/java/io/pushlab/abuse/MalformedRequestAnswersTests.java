package io.pushlab.abuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that Tomcat refuses before the application sees them (a request target,
 * method, header or version it cannot take) get a problem+json naming what was wrong,
 * with the hardening headers and without a stack trace or the server's name; so do the
 * errors Tomcat forwards to {@code /error}, and {@code /error} asked for directly is a
 * 404 like any unknown path. Sent on a raw socket: the JDK client refuses to send most of
 * these.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestAnswersTests {

	@LocalServerPort
	int port;

	@Test
	void anEncodedSlashInThePathIsA400Problem() throws IOException {
		assertProblem(get("/api/rooms/a%2Fb/messages"), 400, "path", "encoded slash (%2F)");
	}

	@Test
	void anEncodedNulInThePathIsA400Problem() throws IOException {
		assertProblem(get("/api/rooms/a%00b/messages"), 400, "path", "encoded NUL (%00)");
	}

	@Test
	void anInvalidPercentEscapeIsA400Problem() throws IOException {
		assertProblem(get("/api/rooms/a%zz/messages"), 400, "path", "two hex digits");
	}

	@Test
	void aPathThatClimbsAboveTheRootIsA400Problem() throws IOException {
		assertProblem(get("/css/../../etc/passwd"), 400, "path", "..");
	}

	@ParameterizedTest
	@ValueSource(strings = { "|", "{", "}", "^", "\"", "<" })
	void aCharacterThatMustBeEncodedIsA400Problem(String character) throws IOException {
		assertProblem(get("/api/rooms/a" + character + "b/messages"), 400, "path", "must be percent-encoded");
	}

	@Test
	void aSpaceInThePathIsA400ProblemThatSaysToEncodeIt() throws IOException {
		assertProblem(get("/api/rooms/a b/messages"), 400, "HTTP version", "%20");
	}

	@Test
	void headersLargerThanTheLimitAreA400ProblemNamingTheLimit() throws IOException {
		String big = "a".repeat(9000);
		assertProblem(send("GET /api/stats HTTP/1.1\r\nHost: localhost\r\nX-Big: " + big + "\r\n\r\n"), 400, "headers",
				"must fit in 8192 bytes");
		assertProblem(get("/api/stats?x=" + big), 400, "headers", "must fit in 8192 bytes");
	}

	@Test
	void anInvalidMissingOrRepeatedHostIsA400ProblemNamingHost() throws IOException {
		assertProblem(send("GET /api/stats HTTP/1.1\r\nHost: a b\r\n\r\n"), 400, "Host", "host name");
		assertProblem(send("GET /api/stats HTTP/1.1\r\nHost: [::1\r\n\r\n"), 400, "Host", "host name");
		assertProblem(send("GET /api/stats HTTP/1.1\r\n\r\n"), 400, "Host", "is required");
		assertProblem(send("GET /api/stats HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "Host", "once");
	}

	@Test
	void aMethodThatIsNoTokenIsA400ProblemNamingTheMethod() throws IOException {
		assertProblem(send("G(T /api/stats HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400, "method", "token");
		// a TLS client hello on the plain port reads as such a method
		assertProblem(send("\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003" + "a".repeat(40)), 400,
				"method", "token");
	}

	@Test
	void anInvalidHeaderIsA400ProblemNamingTheHeaders() throws IOException {
		assertProblem(send("GET /api/stats HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n"), 400, "headers",
				"token name");
		assertProblem(send("GET /api/stats HTTP/1.1\r\nHost: localhost\r\nX-A: a\u0001b\r\n\r\n"), 400, "headers",
				"control characters");
		assertProblem(send("POST /api/rooms/a/messages HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n"), 400,
				"Content-Length", "whole number");
	}

	@Test
	void anHttpVersionOtherThan11Or10IsAProblem() throws IOException {
		assertProblem(send("GET /api/stats HTTP/2.0\r\nHost: localhost\r\n\r\n"), 505, "HTTP version",
				"HTTP/1.1 or HTTP/1.0");
		assertProblem(send("GET /api/stats HTTP/1.x\r\nHost: localhost\r\n\r\n"), 400, "HTTP version",
				"HTTP/1.1 or HTTP/1.0");
	}

	@Test
	void whatTomcatDoesNotImplementIsA501Problem() throws IOException {
		assertProblem(send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), 501, "method",
				"CONNECT");
		assertProblem(send("POST /api/rooms/a/messages HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n"),
				501, "Transfer-Encoding", "chunked");
	}

	@Test
	void aTraceThatTomcatForwardsToTheErrorPathIsA405ProblemWithAllow() throws IOException {
		Answer answer = send("TRACE /api/stats HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
		JsonNode problem = assertProblem(answer, 405, "method", "not allowed");
		assertThat(problem.get("instance").asString()).isEqualTo("/api/stats");
		assertThat(answer.headers()).containsKey("allow");
	}

	@Test
	void theErrorPathAskedForDirectlyIsA404LikeAnyUnknownPath() throws IOException {
		for (String method : new String[] { "GET", "POST" }) {
			JsonNode problem = assertProblem(
					send(method
							+ " /error HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
					404, "path", "names no endpoint");
			assertThat(problem.get("type").asString()).isEqualTo("urn:pushlab:problem:not-found");
			assertThat(problem.get("instance").asString()).isEqualTo("/error");
		}
	}

	/**
	 * Tomcat takes the query apart when an endpoint first reads a parameter, and throws
	 * for one it cannot decode: the client gets a 400 naming the query, and the log gets
	 * no server error with a stack trace.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/api/rooms/lobby/messages?after=%zz", "/api/rooms/lobby/longpoll?client=c1&timeout=%",
			"/api/rooms/lobby/events?after=%C3%28", "/api/rooms/lobby/messages?%=1" })
	void aQueryThatCannotBeDecodedIsA400ProblemNamingTheQueryNotAServerError(String target, CapturedOutput output)
			throws IOException {
		Api api = new Api(this.port);
		long before = api.rejected("malformed_request");
		assertProblem(send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400, "query",
				"%25");
		assertThat(api.rejected("malformed_request")).isEqualTo(before + 1);
		assertThat(output.getAll()).doesNotContain("InvalidParameterException", "Request processing failed", "\tat ");
	}

	/** The chat handshake reads its {@code user} outside any controller. */
	@Test
	void aChatHandshakeWhoseQueryCannotBeDecodedIsA400NotAServerError(CapturedOutput output) throws IOException {
		Api api = new Api(this.port);
		long before = api.rejected("malformed_request");
		Answer answer = send("GET /ws/chat?user=al%zz HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
				+ "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
		assertThat(answer.headers().get("content-type")).startsWith("text/plain");
		assertThat(answer.body()).startsWith("query: could not be decoded").contains("%25");
		assertThat(api.rejected("malformed_request")).isEqualTo(before + 1);
		assertThat(output.getAll()).doesNotContain("InvalidParameterException", "\tat ");
	}

	/**
	 * Tomcat logs a request it cannot parse with a stack trace at INFO, once per
	 * connection handler; requests on many connections at once reach handlers that have
	 * not logged one yet. The client's answer says what was wrong; the log stays quiet.
	 */
	@Test
	void requestsTomcatCannotParseLeaveNoStackTraceInTheLog(CapturedOutput output) throws IOException {
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 24; i++) {
				Socket socket = new Socket("127.0.0.1", this.port);
				socket.setSoTimeout(20_000);
				sockets.add(socket);
			}
			for (Socket socket : sockets) {
				socket.getOutputStream()
					.write("GET /a|b HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			}
			for (Socket socket : sockets) {
				assertProblem(Answer.read(socket.getInputStream()), 400, "path", "percent-encoded");
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		assertThat(output.getAll()).doesNotContain("Error parsing HTTP request header", "\tat ");
	}

	@Test
	void refusedRequestsAreCounted() throws IOException {
		Api api = new Api(this.port);
		long before = api.rejected("malformed_request");
		assertProblem(get("/a%2Fb"), 400, "path", "%2F");
		assertThat(api.rejected("malformed_request")).isEqualTo(before + 1);
	}

	private Answer get(String target) throws IOException {
		return send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
	}

	/**
	 * Sends the request on a new connection (each char one byte) and reads the whole
	 * answer: Tomcat closes the connection after refusing a request.
	 */
	private Answer send(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(20_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			return Answer.read(socket.getInputStream());
		}
	}

	private static JsonNode assertProblem(Answer answer, int status, String field, String detail) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
		assertThat(answer.headers().get("content-type")).as(answer.toString()).isEqualTo("application/problem+json");
		assertThat(answer.headers()).as(answer.toString())
			.containsEntry("x-content-type-options", "nosniff")
			.containsEntry("x-frame-options", "SAMEORIGIN")
			.containsEntry("content-security-policy", "frame-ancestors 'self'")
			.containsEntry("referrer-policy", "same-origin")
			.doesNotContainKey("server");
		assertThat(answer.body()).doesNotContainIgnoringCase("tomcat").doesNotContain("Exception", "\tat ", "<html");
		JsonNode problem = Api.parse(answer.body());
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("type").asString()).startsWith("urn:pushlab:problem:");
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("detail").asString()).startsWith(field + ": ").contains(detail);
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo(field);
		return problem;
	}

	/**
	 * An HTTP/1.1 answer: status, headers by lower-case name, and the body (de-chunked).
	 */
	record Answer(int status, Map<String, String> headers, String body) {

		static Answer read(InputStream in) throws IOException {
			String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			int end = all.indexOf("\r\n\r\n");
			assertThat(end).as("an answer head in: %s", all).isPositive();
			String[] lines = all.substring(0, end).split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ")[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
			String body = all.substring(end + 4);
			if ("chunked".equals(headers.get("transfer-encoding"))) {
				body = dechunked(body);
			}
			return new Answer(status, headers,
					new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
		}

		private static String dechunked(String chunked) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int at = 0;
			while (true) {
				int lineEnd = chunked.indexOf("\r\n", at);
				int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
				if (size == 0) {
					return out.toString(StandardCharsets.ISO_8859_1);
				}
				out.writeBytes(
						chunked.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
				at = lineEnd + 2 + size + 2;
			}
		}

	}

}
