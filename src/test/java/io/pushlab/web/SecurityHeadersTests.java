package io.pushlab.web;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer carries the hardening headers (nosniff, same-origin framing, same-origin
 * referrer): pages, API answers, errors, an SSE stream and a WebSocket handshake; the
 * session cookie is HttpOnly and SameSite=Lax.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SecurityHeadersTests {

	@LocalServerPort
	int port;

	private static void assertHardened(String what, HttpHeaders headers) {
		assertThat(headers.firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
		assertThat(headers.firstValue("X-Frame-Options")).as(what).hasValue("SAMEORIGIN");
		assertThat(headers.firstValue("Content-Security-Policy")).as(what).hasValue("frame-ancestors 'self'");
		assertThat(headers.firstValue("Referrer-Policy")).as(what).hasValue("same-origin");
	}

	@Test
	void pagesApiAnswersAndErrorsCarryTheHardeningHeaders() {
		Api api = new Api(this.port);
		HttpResponse<String> page = api.get("/websocket");
		assertThat(page.statusCode()).isEqualTo(200);
		assertHardened("page", page.headers());
		assertThat(page.headers().allValues("Set-Cookie"))
			.anySatisfy((cookie) -> assertThat(cookie).startsWith("JSESSIONID=")
				.containsIgnoringCase("HttpOnly")
				.containsIgnoringCase("SameSite=Lax"));
		HttpResponse<String> stats = api.get("/api/stats");
		assertThat(stats.statusCode()).isEqualTo(200);
		assertHardened("API answer", stats.headers());
		HttpResponse<String> published = api.post("/api/rooms/headers/messages", "{\"from\":\"hdr\",\"text\":\"hi\"}");
		assertThat(published.statusCode()).isEqualTo(201);
		assertHardened("publish", published.headers());
		HttpResponse<String> invalid = api.get("/api/rooms/Not_A_Room/messages");
		assertThat(invalid.statusCode()).isEqualTo(400);
		assertHardened("400", invalid.headers());
		HttpResponse<String> missing = api.get("/no-such-page");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertHardened("404", missing.headers());
		assertHardened("static file", api.get("/js/common.js").headers());
	}

	@Test
	void anSseStreamStillStreamsWithTheHeaders() throws Exception {
		Api api = new Api(this.port);
		HttpRequest request = HttpRequest.newBuilder(api.uri("/api/rooms/headers-sse/events"))
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(20))
			.build();
		HttpResponse<InputStream> stream = api.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
			assertThat(stream.statusCode()).isEqualTo(200);
			assertHardened("SSE", stream.headers());
			api.publish("headers-sse", "hdr", "streamed");
			String line;
			do {
				line = reader.readLine();
			}
			while (line != null && !line.contains("streamed"));
			assertThat(line).contains("\"text\":\"streamed\"");
		}
	}

	@Test
	void aWebSocketHandshakeStillUpgradesWithTheHeaders() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /ws/chat?user=hdr-ws HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			List<String> head = new ArrayList<>();
			for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
				head.add(line.toLowerCase(java.util.Locale.ROOT));
			}
			assertThat(head.get(0)).startsWith("http/1.1 101");
			assertThat(head).contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=",
					"x-frame-options: sameorigin", "x-content-type-options: nosniff");
		}
	}

}
