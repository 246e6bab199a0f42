package io.pushlab.rfc6455;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One client of the raw server, from the opening handshake to the closing one, on its own
 * thread: reads frames, answers each text or binary message with its description, answers
 * pings, completes the close handshake and fails the connection on a protocol error (RFC
 * 6455 §7.1.7). Writes are serialized by a lock, so the server may say goodbye from
 * another thread.
 * <p>
 * Bounded in time on both sides: a client that sends no frame for
 * {@code settings.idleTimeout()} is pinged (§5.5.2) and closed with 1001 when nothing
 * comes back within {@code settings.pongTimeout()}; a partial frame does not count as
 * activity. Every write is guarded by the server's watchdog, which closes the socket when
 * the write is still blocked after {@code settings.writeTimeout()} (a client that does
 * not read), which ends the blocked write and this connection's thread.
 */
final class RawConnection implements Runnable {

	private static final Log logger = LogFactory.getLog(RawConnection.class);

	/**
	 * How long a client may take to send its whole opening handshake: a total deadline,
	 * not a per-read timeout, so a client sending a byte now and then cannot hold a slot.
	 */
	static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

	/**
	 * How long, after our close frame, we read (and drop) what the client still sends.
	 */
	static final int LINGER_MILLIS = 2_000;

	/**
	 * §5.5 and §5.5.1: a close payload is a 2-byte code and a reason, 125 bytes in all.
	 */
	private static final int MAX_CLOSE_REASON_BYTES = Opcode.MAX_CONTROL_PAYLOAD - 2;

	/** How much one read asks for; a read may return part of a frame or several. */
	private static final int READ_CHUNK_BYTES = 8192;

	/** The application data of the server's pings, echoed by the client's pong. */
	private static final byte[] PING_PAYLOAD = "pushlab".getBytes(StandardCharsets.US_ASCII);

	private final Socket socket;

	private final RawWebSocketServer.Settings settings;

	private final Function<FrameDescription, String> json;

	private final Consumer<RawConnection> onEnd;

	private final ScheduledExecutorService watchdog;

	private final Consumer<String> refused;

	private final ReentrantLock writeLock = new ReentrantLock();

	/** Whether the 101 was sent: from then on the connection speaks frames. */
	private volatile boolean upgraded;

	private volatile boolean closeSent;

	private final InputStream in;

	private final OutputStream out;

	RawConnection(Socket socket, RawWebSocketServer.Settings settings, Function<FrameDescription, String> json,
			ScheduledExecutorService watchdog, Consumer<String> refused, Consumer<RawConnection> onEnd)
			throws IOException {
		this.socket = socket;
		this.in = new DeadlineInputStream.Buffered(new DeadlineInputStream(socket));
		this.out = new BufferedOutputStream(socket.getOutputStream());
		this.settings = settings;
		this.json = json;
		this.watchdog = watchdog;
		this.refused = refused;
		this.onEnd = onEnd;
	}

	@Override
	public void run() {
		try (Socket socket = this.socket) {
			DeadlineInputStream.of(this.in).deadline(System.nanoTime() + HANDSHAKE_TIMEOUT_MILLIS * 1_000_000L);
			socket.setTcpNoDelay(true);
			if (handshake()) {
				DeadlineInputStream.of(this.in).deadline(0);
				socket.setSoTimeout(0);
				talk();
			}
		}
		catch (SocketTimeoutException ex) {
			// only the opening handshake reads under a deadline that ends the connection
			this.refused.accept(RawWebSocketServer.Refusal.HANDSHAKE_TIMEOUT);
			logger.debug("Raw WebSocket handshake timed out: " + ex);
		}
		catch (IOException ex) {
			logger.debug("Raw WebSocket connection ended: " + ex);
		}
		catch (RuntimeException ex) {
			logger.warn("Raw WebSocket connection failed", ex);
		}
		finally {
			this.onEnd.accept(this);
		}
	}

	/**
	 * Refuses a client the server has no room for: answers its request with 503.
	 */
	void refuse() {
		try (Socket socket = this.socket) {
			DeadlineInputStream.of(this.in).deadline(System.nanoTime() + HANDSHAKE_TIMEOUT_MILLIS * 1_000_000L);
			RequestHead.read(this.in, this.settings.maxHeaderBytes());
			this.out.write(Handshake.refusal("503 Service Unavailable",
					"too many connections (" + this.settings.maxConnections() + "), try again later"));
			this.out.flush();
			linger();
		}
		catch (IOException | HandshakeException ex) {
			logger.debug("Refused raw WebSocket client: " + ex);
		}
		finally {
			this.onEnd.accept(this);
		}
	}

	/**
	 * Starts the closing handshake from the server's side ({@code 1001 going away}),
	 * unless a close frame was sent already; a client still in its opening handshake is
	 * just disconnected. Safe from any thread.
	 */
	void goAway() {
		try {
			if (this.writeLock.tryLock(100, TimeUnit.MILLISECONDS)) {
				try {
					if (!this.upgraded) {
						abort();
					}
					else if (!this.closeSent) {
						writeClose(CloseCode.GOING_AWAY, "server shutting down");
					}
				}
				finally {
					this.writeLock.unlock();
				}
			}
		}
		catch (IOException ex) {
			// the client is gone already
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Closes the socket at once; the connection's thread then ends. */
	void abort() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	private boolean handshake() throws IOException {
		try {
			RequestHead request = RequestHead.read(this.in, this.settings.maxHeaderBytes());
			if (request == null) {
				return false;
			}
			String accept = Handshake.check(request);
			this.writeLock.lock();
			try {
				write(Handshake.switchingProtocols(accept));
				this.upgraded = true;
			}
			finally {
				this.writeLock.unlock();
			}
			return true;
		}
		catch (HandshakeException ex) {
			send(Handshake.refusal("400 Bad Request", ex.getMessage()));
			linger();
			return false;
		}
	}

	private void talk() throws IOException {
		MessageAssembler assembler = new MessageAssembler(this.settings.maxMessageBytes());
		FrameDecoder decoder = new FrameDecoder((header) -> {
			ClientFrameRules.check(header);
			assembler.admit(header);
		});
		DeadlineInputStream deadline = DeadlineInputStream.of(this.in);
		long idleNanos = this.settings.idleTimeout().toNanos();
		long pongNanos = this.settings.pongTimeout().toNanos();
		deadline.deadline(System.nanoTime() + idleNanos);
		boolean pinged = false;
		byte[] chunk = new byte[READ_CHUNK_BYTES];
		try {
			while (true) {
				int count;
				try {
					count = this.in.read(chunk);
				}
				catch (SocketTimeoutException ex) {
					if (pinged) {
						// §7.1.7 does not apply (no protocol error): the peer is gone or
						// stuck
						this.refused.accept(RawWebSocketServer.Refusal.IDLE_TIMEOUT);
						fail(CloseCode.GOING_AWAY,
								"no pong within " + this.settings.pongTimeout().toMillis() + " ms of a ping");
						return;
					}
					// §5.5.2: a ping asks the peer to prove it is there
					send(Frame.unmasked(Opcode.PING, PING_PAYLOAD));
					pinged = true;
					deadline.deadline(System.nanoTime() + pongNanos);
					continue;
				}
				if (count < 0) {
					return;
				}
				// one read may hold part of a frame, or several frames
				decoder.append(chunk, 0, count);
				Frame frame;
				while ((frame = decoder.next()) != null) {
					// a whole frame (a pong or any other) shows the client is there
					pinged = false;
					deadline.deadline(System.nanoTime() + idleNanos);
					if (!handle(frame, assembler)) {
						return;
					}
				}
			}
		}
		catch (FailConnectionException ex) {
			fail(ex.closeCode(), ex.getMessage());
		}
	}

	/**
	 * @return whether to go on reading: false once the close handshake is done
	 */
	private boolean handle(Frame frame, MessageAssembler assembler) throws IOException, FailConnectionException {
		switch (frame.opcode()) {
			case Opcode.PING -> send(Frame.unmasked(Opcode.PONG, frame.payload()));
			case Opcode.PONG -> {
				// §5.5.3: an unsolicited pong needs no answer
			}
			case Opcode.CLOSE -> {
				closeReceived(frame.payload());
				return false;
			}
			default -> {
				MessageAssembler.Message message = assembler.accept(frame);
				if (message != null) {
					String description = this.json.apply(message.describe());
					send(Frame.unmasked(Opcode.TEXT, description.getBytes(StandardCharsets.UTF_8)));
				}
			}
		}
		return true;
	}

	/** §5.5.1: answer a close frame with one echoing its status code, then close. */
	private void closeReceived(byte[] payload) throws IOException, FailConnectionException {
		if (this.closeSent) {
			linger();
			return;
		}
		if (payload.length == 1) {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
					"a close payload is empty or starts with a 2-byte code (RFC 6455 §5.5.1)");
		}
		if (payload.length == 0) {
			sendClose(new byte[0]);
			linger();
			return;
		}
		int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
		if (!CloseCode.isAllowedOnWire(code)) {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
					"close code " + code + " may not be sent (RFC 6455 §7.4)");
		}
		if (!Utf8.isValid(Arrays.copyOfRange(payload, 2, payload.length))) {
			throw new FailConnectionException(CloseCode.INVALID_PAYLOAD,
					"close reason is not valid UTF-8 (RFC 6455 §5.5.1)");
		}
		sendClose(new byte[] { payload[0], payload[1] });
		linger();
	}

	private void fail(int code, String reason) throws IOException {
		logger.debug("Failing raw WebSocket connection with " + code + ": " + reason);
		this.writeLock.lock();
		try {
			if (!this.closeSent) {
				writeClose(code, reason);
			}
		}
		finally {
			this.writeLock.unlock();
		}
		linger();
	}

	private void sendClose(byte[] payload) throws IOException {
		this.writeLock.lock();
		try {
			if (!this.closeSent) {
				this.closeSent = true;
				write(FrameCodec.encode(Frame.unmasked(Opcode.CLOSE, payload)));
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** Call with the write lock held. */
	private void writeClose(int code, String reason) throws IOException {
		byte[] text = truncateUtf8(reason, MAX_CLOSE_REASON_BYTES);
		byte[] payload = new byte[2 + text.length];
		payload[0] = (byte) (code >> 8);
		payload[1] = (byte) code;
		System.arraycopy(text, 0, payload, 2, text.length);
		this.closeSent = true;
		write(FrameCodec.encode(Frame.unmasked(Opcode.CLOSE, payload)));
	}

	private void send(Frame frame) throws IOException {
		send(FrameCodec.encode(frame));
	}

	private void send(byte[] bytes) throws IOException {
		this.writeLock.lock();
		try {
			if (!this.closeSent) {
				write(bytes);
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * Writes under the watchdog: if the client does not take the bytes within the write
	 * timeout, the socket is closed, which ends the blocked write with an exception.
	 */
	private void write(byte[] bytes) throws IOException {
		ScheduledFuture<?> guard;
		try {
			guard = this.watchdog.schedule(this::writeTimedOut, this.settings.writeTimeout().toNanos(),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// the server is closing: it aborts every connection itself
			guard = null;
		}
		try {
			this.out.write(bytes);
			this.out.flush();
		}
		finally {
			if (guard != null) {
				guard.cancel(false);
			}
		}
	}

	private void writeTimedOut() {
		logger.debug("Raw WebSocket client did not read for " + this.settings.writeTimeout().toMillis()
				+ " ms: closing its socket");
		this.refused.accept(RawWebSocketServer.Refusal.WRITE_TIMEOUT);
		abort();
	}

	/**
	 * §7.1.1: the server closes the TCP connection first. It stops sending, then reads
	 * and drops what the client still sends for a moment, so the client reads our last
	 * bytes instead of a reset.
	 */
	private void linger() {
		try {
			this.socket.shutdownOutput();
			// a total deadline (it replaces the handshake's or the idle one): reads end
			// by then
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
			DeadlineInputStream.of(this.in).deadline(deadline);
			byte[] sink = new byte[8192];
			while (this.in.read(sink) >= 0 && System.nanoTime() < deadline) {
				// drop
			}
		}
		catch (IOException ex) {
			// the client closed or reset: either way we are done
		}
	}

	static byte[] truncateUtf8(String text, int maxBytes) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= maxBytes) {
			return bytes;
		}
		int end = maxBytes;
		while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
			end--;
		}
		return Arrays.copyOf(bytes, end);
	}

}
