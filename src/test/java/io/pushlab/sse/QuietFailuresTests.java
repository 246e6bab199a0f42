package io.pushlab.sse;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushlab.longpolling.ClientQueues;
import io.pushlab.support.Api;
import io.pushlab.support.RawSse;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that end badly leave the log readable (issue 11, item 9): SSE streams, long
 * polls and WebSocket connections that vanish (reset or closed) while messages are being
 * published, SSE requests that fail validation, and streams and polls that time out. No
 * "No converter … text/event-stream", no {@code HttpMediaTypeNotAcceptableException}, no
 * stack trace, and a bounded number of log lines for the whole flood.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.sse.timeout=2s")
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class QuietFailuresTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** Lines the whole test may log; one line per failed client would be far more. */
	private static final int MAX_LINES = 10;

	@LocalServerPort
	int port;

	@Autowired
	SseStreams streams;

	@Autowired
	ClientQueues queues;

	@Test
	void clientsThatEndBadlyLeaveTheLogReadable(CapturedOutput output) throws Exception {
		Api api = new Api(this.port);
		String room = "quiet";
		api.publish(room, "alice", "before");
		int start = output.getAll().length();

		AtomicBoolean publishing = new AtomicBoolean(true);
		AtomicInteger published = new AtomicInteger();
		CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
			while (publishing.get()) {
				api.publish(room, "bob", "x".repeat(1500) + published.incrementAndGet());
			}
		});
		try {
			// SSE streams that vanish while messages flow: half reset, half closed
			for (int round = 0; round < 3; round++) {
				List<Socket> sockets = new ArrayList<>();
				for (int i = 0; i < 16; i++) {
					sockets.add(RawSse.open(this.port, room));
				}
				for (int i = 0; i < sockets.size(); i++) {
					vanish(sockets.get(i), i % 2 == 0);
				}
			}
			// long polls that vanish while parked, and while being answered
			for (int i = 0; i < 16; i++) {
				Socket poll = rawGet("/api/rooms/" + room + "/longpoll?client=quiet-client-" + i + "&timeout=5000");
				vanish(poll, i % 2 == 0);
			}
			// WebSocket members that vanish without a close frame
			for (int i = 0; i < 8; i++) {
				WebSocket socket = api.http()
					.newWebSocketBuilder()
					.buildAsync(URI.create("ws://127.0.0.1:" + this.port + "/ws/chat?user=quiet" + i),
							new WebSocket.Listener() {
							})
					.join();
				socket.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}", true).join();
				socket.abort();
			}
			// Tomcat's race with a member that vanishes while its history is sent in
			// parts
			// throws on a Tomcat thread, and the server's handler (ClosedSessionSends)
			// keeps
			// it out of the log, which is what this test checks: Awaitility must not take
			// it
			await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> published.get() > 50);
		}
		finally {
			publishing.set(false);
			publisher.join();
		}
		await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> this.streams.size(room) == 0);

		// SSE requests an EventSource would send, failing validation: 400 problem+json
		for (String path : List.of("/api/rooms/" + room + "/events?retry=1", "/api/rooms/Bad_Room!/events",
				"/api/rooms/" + room + "/events?lastEventId=abc")) {
			HttpResponse<String> refused = api
				.send(HttpRequest.newBuilder(api.uri(path)).header("Accept", "text/event-stream").GET().build());
			assertThat(refused.statusCode()).as(path).isEqualTo(400);
			assertThat(refused.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
		}
		HttpResponse<String> badId = api.send(HttpRequest.newBuilder(api.uri("/api/rooms/" + room + "/events"))
			.header("Accept", "text/event-stream")
			.header("Last-Event-ID", "not-an-id")
			.GET()
			.build());
		assertThat(badId.statusCode()).isEqualTo(400);
		assertThat(badId.body()).contains("Last-Event-ID");

		// a stream that reaches its lifetime (pushlab.sse.timeout) ends normally
		try (SseClient timedOut = SseClient.connect(api.uri("/api/rooms/" + room + "/events"), null)) {
			await().atMost(WAIT).until(timedOut::ended);
		}
		// a long poll that times out answers 204
		assertThat(
				api.get("/api/rooms/" + room + "/longpoll?client=quiet-timeout&after=1000000&timeout=200").statusCode())
			.isEqualTo(204);

		await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> this.streams.size(room) == 0);
		String logged = output.getAll().substring(start);
		assertThat(logged).doesNotContain("No converter", "HttpMediaTypeNotAcceptableException",
				"HttpMessageNotWritableException", "\tat ");
		assertThat(logged.lines().filter((line) -> !line.isBlank()).toList()).hasSizeLessThanOrEqualTo(MAX_LINES);
	}

	private Socket rawGet(String path) throws Exception {
		Socket socket = new Socket("127.0.0.1", this.port);
		OutputStream out = socket.getOutputStream();
		out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return socket;
	}

	/** Drops the connection: a reset (RST), or a plain close without reading on. */
	private static void vanish(Socket socket, boolean reset) throws Exception {
		if (reset) {
			socket.setSoLinger(true, 0);
		}
		else {
			InputStream in = socket.getInputStream();
			in.available();
		}
		socket.close();
	}

}
