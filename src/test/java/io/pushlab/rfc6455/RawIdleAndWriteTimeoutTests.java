package io.pushlab.rfc6455;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The raw server after the handshake, bounded in time: an idle client is pinged and, when
 * it does not answer, closed with 1001 and its slot freed; a client that answers pings
 * stays; a client that never reads is cut off at the write timeout while the others go
 * on. Raw sockets, short timeouts.
 */
class RawIdleAndWriteTimeoutTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	// generous against a loaded test machine: a pong has seconds to come back

	private static final Duration IDLE = Duration.ofMillis(500);

	private static final Duration PONG = Duration.ofSeconds(3);

	private static final Duration WRITE = Duration.ofSeconds(2);

	private final List<String> refused = new CopyOnWriteArrayList<>();

	private RawWebSocketServer server;

	private RawWebSocketServer start(int maxConnections) throws IOException {
		this.server = new RawWebSocketServer(
				new RawWebSocketServer.Settings("127.0.0.1", 0, 1_048_576, maxConnections, 1024, IDLE, PONG, WRITE),
				(description) -> JSON.writeValueAsString(description.toMap()), this.refused::add);
		this.server.start();
		return this.server;
	}

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void anIdleClientIsPingedThenClosedWith1001WhenNoPongComesAndItsSlotIsFreed() throws Exception {
		start(1);
		try (RawClient silent = RawClient.open(this.server.port())) {
			long start = System.nanoTime();
			Frame ping = silent.read();
			assertThat(ping).isNotNull();
			assertThat(ping.opcode()).isEqualTo(Opcode.PING);
			assertThat(ping.masked()).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE.minusMillis(50));
			// no pong: the server gives up after the pong timeout
			Frame close = silent.read();
			assertThat(close).isNotNull();
			assertThat(close.opcode()).isEqualTo(Opcode.CLOSE);
			byte[] payload = close.payload();
			assertThat(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)).isEqualTo(CloseCode.GOING_AWAY);
			assertThat(new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)).contains("no pong");
			assertThat(silent.ended()).isTrue();
		}
		assertThat(this.refused).containsExactly(RawWebSocketServer.Refusal.IDLE_TIMEOUT);
		// the only slot is free again
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.openConnections() == 0);
		try (RawClient next = RawClient.open(this.server.port())) {
			next.sendText(true, Opcode.TEXT, "after");
			assertThat(textAnsweringPings(next)).contains("\"text\":\"after\"");
		}
	}

	@Test
	void aClientThatAnswersPingsStaysOpenAcrossManyIdlePeriods() throws Exception {
		start(2);
		try (RawClient client = RawClient.open(this.server.port())) {
			for (int i = 0; i < 4; i++) {
				Frame ping = client.read();
				assertThat(ping.opcode()).as("ping %d: %s", i, new String(ping.payload(), StandardCharsets.UTF_8))
					.isEqualTo(Opcode.PING);
				// §5.5.3: a pong echoes the ping's application data, masked as every
				// client frame
				client.send(Frame.of(true, Opcode.PONG, RawClient.KEY, ping.payload()));
			}
			client.sendText(true, Opcode.TEXT, "still here");
			assertThat(textAnsweringPings(client)).contains("\"text\":\"still here\"");
			assertThat(this.server.openConnections()).isEqualTo(1);
		}
		assertThat(this.refused).isEmpty();
	}

	@Test
	void aPartialFrameIsNotActivity() throws Exception {
		start(1);
		try (RawClient client = RawClient.open(this.server.port())) {
			byte[] frame = FrameCodec.encode(Frame.of(true, Opcode.TEXT, RawClient.KEY, "x".repeat(50).getBytes()));
			// two bytes of a header, then nothing more: the ping comes after the idle
			// time
			client.sendBytes(new byte[] { frame[0], frame[1] });
			assertThat(client.read().opcode()).isEqualTo(Opcode.PING);
			// a byte now and then is no answer to the ping either
			client.sendBytes(new byte[] { frame[2] });
			Frame close = client.read();
			assertThat(close.opcode()).isEqualTo(Opcode.CLOSE);
			assertThat(((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF))
				.isEqualTo(CloseCode.GOING_AWAY);
		}
	}

	@Test
	void aClientThatNeverReadsIsCutOffAtTheWriteTimeoutWhileOthersAreServed() throws Exception {
		start(4);
		Socket stuck = new Socket();
		// a small receive window, so the server's answers fill it fast
		stuck.setReceiveBufferSize(4096);
		stuck.connect(new InetSocketAddress("127.0.0.1", this.server.port()));
		try (stuck) {
			OutputStream out = stuck.getOutputStream();
			out.write(RawClient.upgradeRequest(RawClient.SAMPLE_KEY).getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.server.openConnections() == 1);
			// send message after message and read nothing: each is answered with a
			// description about five times its size, until the server's write blocks
			byte[] message = FrameCodec.encode(Frame.of(true, Opcode.BINARY, RawClient.KEY, new byte[60_000]));
			CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
				try {
					for (int i = 0; i < 2_000; i++) {
						out.write(message);
					}
				}
				catch (IOException ex) {
					// the server closed the socket: what this test waits for
				}
			});
			try (RawClient healthy = RawClient.open(this.server.port())) {
				long start = System.nanoTime();
				await().atMost(Duration.ofSeconds(15))
					.until(() -> this.refused.contains(RawWebSocketServer.Refusal.WRITE_TIMEOUT));
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
				await().atMost(Duration.ofSeconds(5)).until(() -> this.server.openConnections() == 1);
				// the other client is served all along
				healthy.sendText(true, Opcode.TEXT, "not stuck");
				assertThat(textAnsweringPings(healthy)).contains("\"text\":\"not stuck\"");
			}
			flood.get(10, TimeUnit.SECONDS);
		}
	}

	/** Reads up to the next text frame, answering the pings that come first. */
	private static String textAnsweringPings(RawClient client) throws Exception {
		Frame frame;
		while ((frame = client.read()) != null && frame.opcode() == Opcode.PING) {
			client.send(Frame.of(true, Opcode.PONG, RawClient.KEY, frame.payload()));
		}
		assertThat(frame).isNotNull();
		assertThat(frame.opcode()).isEqualTo(Opcode.TEXT);
		return new String(frame.payload(), StandardCharsets.UTF_8);
	}

}
