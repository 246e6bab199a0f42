package io.pushlab.rfc6455;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sends its opening handshake one byte a second (each read well inside a
 * per-read timeout) is cut off at the total handshake deadline.
 */
class RawHandshakeDeadlineTests {

	@Test
	void aDribblingHandshakeIsCutOffAtTheTotalDeadline() throws Exception {
		try (RawWebSocketServer server = new RawWebSocketServer(
				new RawWebSocketServer.Settings("127.0.0.1", 0, 1024, 4, 8192), (description) -> "{}");
				Socket socket = new Socket()) {
			server.start();
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
			socket.setSoTimeout(30_000);
			byte[] request = ("GET /lab HTTP/1.1\r\nHost: x\r\n" + "X-Slow: " + "a".repeat(200) + "\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			OutputStream out = socket.getOutputStream();
			AtomicInteger sent = new AtomicInteger();
			ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
			try {
				dribbler.scheduleAtFixedRate(() -> {
					try {
						out.write(request[sent.getAndIncrement() % request.length]);
						out.flush();
					}
					catch (IOException ex) {
						// the server closed the connection
					}
				}, 0, 1, TimeUnit.SECONDS);
				long start = System.nanoTime();
				CompletableFuture<Integer> end = CompletableFuture.supplyAsync(() -> {
					try {
						InputStream in = socket.getInputStream();
						return in.read();
					}
					catch (IOException ex) {
						return -2;
					}
				});
				assertThat(end.get(25, TimeUnit.SECONDS)).isLessThan(0);
				long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
				assertThat(seconds).isBetween(8L, 20L);
				assertThat(sent.get()).isGreaterThan(5);
			}
			finally {
				dribbler.shutdownNow();
			}
		}
	}

}
