package io.pushlab.rfc6455;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A WebSocket server written by hand on plain sockets, RFC 6455, with no WebSocket
 * library: it answers every text or binary message with a text frame describing how it
 * decoded it. One thread per connection, at most {@code maxConnections} at once (more are
 * answered 503); a connection that misbehaves is failed without touching the others.
 * After the handshake a client that sends nothing for {@code idleTimeout} is pinged, and
 * closed with 1001 when no pong (or any other frame) comes back within
 * {@code pongTimeout}; a write that a client does not read within {@code writeTimeout}
 * ends its connection (a watchdog closes the socket under the blocked write). Start once,
 * close once; {@link #close()} says goodbye (1001) to every client.
 */
public final class RawWebSocketServer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RawWebSocketServer.class);

	/** Refusals (503) answered at once; beyond that a client is just disconnected. */
	private static final int MAX_REFUSALS = 4;

	/** How long {@link #close()} waits for clients to answer its close frame. */
	private static final long CLOSE_GRACE_MILLIS = 1_000;

	/**
	 * @param bindAddress the address to listen on, e.g. {@code 0.0.0.0}
	 * @param port the TCP port; 0 picks a free one
	 * @param maxMessageBytes largest message (all fragments); larger closes with 1009
	 * @param maxConnections connections served at once
	 * @param maxHeaderBytes largest opening handshake
	 * @param idleTimeout after this long without a frame from the client, the server
	 * pings it
	 * @param pongTimeout after a ping, how long the client has to answer (a pong or any
	 * other frame) before the server closes with 1001
	 * @param writeTimeout longest one write to the client may block (a client that does
	 * not read); then the socket is closed
	 */
	public record Settings(String bindAddress, int port, int maxMessageBytes, int maxConnections, int maxHeaderBytes,
			Duration idleTimeout, Duration pongTimeout, Duration writeTimeout) {

		/** Default of {@link #idleTimeout()}. */
		public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

		/** Default of {@link #pongTimeout()}. */
		public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(10);

		/** Default of {@link #writeTimeout()}. */
		public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

		public Settings {
			requirePositive("idleTimeout", idleTimeout);
			requirePositive("pongTimeout", pongTimeout);
			requirePositive("writeTimeout", writeTimeout);
		}

		/**
		 * Settings with the default idle, pong and write timeouts.
		 * @param bindAddress the address to listen on
		 * @param port the TCP port; 0 picks a free one
		 * @param maxMessageBytes largest message
		 * @param maxConnections connections served at once
		 * @param maxHeaderBytes largest opening handshake
		 */
		public Settings(String bindAddress, int port, int maxMessageBytes, int maxConnections, int maxHeaderBytes) {
			this(bindAddress, port, maxMessageBytes, maxConnections, maxHeaderBytes, DEFAULT_IDLE_TIMEOUT,
					DEFAULT_PONG_TIMEOUT, DEFAULT_WRITE_TIMEOUT);
		}

		private static void requirePositive(String name, Duration value) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive: " + value);
			}
		}

	}

	/**
	 * Why the server ended or refused a connection, as counted by the listener given to
	 * {@link #RawWebSocketServer(Settings, Function, Consumer)}: a small fixed
	 * vocabulary.
	 */
	public static final class Refusal {

		/** The opening handshake was not complete by its deadline. */
		public static final String HANDSHAKE_TIMEOUT = "raw_handshake_timeout";

		/**
		 * A pinged client answered nothing within the pong timeout (closed with 1001).
		 */
		public static final String IDLE_TIMEOUT = "raw_idle_timeout";

		/** A write to the client blocked past the write timeout (socket closed). */
		public static final String WRITE_TIMEOUT = "raw_write_timeout";

		private Refusal() {
		}

	}

	private final Settings settings;

	private final Function<FrameDescription, String> json;

	private final Set<RawConnection> connections = ConcurrentHashMap.newKeySet();

	private final Semaphore slots;

	private final Semaphore refusals = new Semaphore(MAX_REFUSALS);

	private final ExecutorService threads;

	private final ScheduledThreadPoolExecutor watchdog;

	private final Consumer<String> refused;

	private ServerSocket serverSocket;

	private Thread acceptor;

	private volatile boolean closing;

	/**
	 * @param settings the limits and where to listen
	 * @param json writes a description as the JSON text sent back to the client
	 */
	public RawWebSocketServer(Settings settings, Function<FrameDescription, String> json) {
		this(settings, json, (reason) -> {
		});
	}

	/**
	 * @param settings the limits and where to listen
	 * @param json writes a description as the JSON text sent back to the client
	 * @param refused told (on a connection's or the watchdog's thread) each time a
	 * connection is ended for a {@link Refusal} reason
	 */
	public RawWebSocketServer(Settings settings, Function<FrameDescription, String> json, Consumer<String> refused) {
		this.settings = settings;
		this.json = json;
		this.refused = refused;
		this.watchdog = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "pushlab-raw-ws-watchdog");
			thread.setDaemon(true);
			return thread;
		});
		this.watchdog.setRemoveOnCancelPolicy(true);
		this.slots = new Semaphore(settings.maxConnections());
		AtomicInteger count = new AtomicInteger();
		this.threads = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "pushlab-raw-ws-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Binds the port and starts accepting clients.
	 * @throws IOException when the port cannot be bound
	 */
	public synchronized void start() throws IOException {
		if (this.serverSocket != null) {
			throw new IllegalStateException("already started");
		}
		ServerSocket socket = new ServerSocket();
		try {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getByName(this.settings.bindAddress()), this.settings.port()),
					128);
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
		this.serverSocket = socket;
		this.acceptor = new Thread(this::acceptLoop, "pushlab-raw-ws-acceptor");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
		logger.info("Raw RFC 6455 server listening on " + this.settings.bindAddress() + ":" + port());
	}

	/**
	 * @return the port listened on (the chosen one when started with 0), or -1
	 */
	public int port() {
		ServerSocket socket = this.serverSocket;
		return (socket != null) ? socket.getLocalPort() : -1;
	}

	/**
	 * @return connections open now, refused ones excluded
	 */
	public int openConnections() {
		return this.connections.size();
	}

	/**
	 * Stops accepting, sends every client a close frame (1001), gives them a moment to
	 * answer, then closes what is left.
	 */
	@Override
	public synchronized void close() {
		if (this.closing) {
			return;
		}
		this.closing = true;
		try {
			if (this.serverSocket != null) {
				this.serverSocket.close();
			}
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.connections.forEach(RawConnection::goAway);
		this.threads.shutdown();
		try {
			if (!this.threads.awaitTermination(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
				this.connections.forEach(RawConnection::abort);
				this.threads.shutdownNow();
				this.threads.awaitTermination(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
			}
			if (this.acceptor != null) {
				this.acceptor.join(CLOSE_GRACE_MILLIS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.watchdog.shutdownNow();
		}
	}

	private void acceptLoop() {
		while (!this.closing) {
			Socket socket;
			try {
				socket = this.serverSocket.accept();
			}
			catch (IOException ex) {
				if (!this.closing) {
					logger.warn("Raw RFC 6455 server stopped accepting", ex);
				}
				return;
			}
			serve(socket);
		}
	}

	private void serve(Socket socket) {
		if (this.slots.tryAcquire()) {
			start(socket, this.slots, true);
		}
		else if (this.refusals.tryAcquire()) {
			start(socket, this.refusals, false);
		}
		else {
			closeQuietly(socket);
		}
	}

	private void start(Socket socket, Semaphore permit, boolean serve) {
		RawConnection connection;
		try {
			connection = new RawConnection(socket, this.settings, this.json, this.watchdog, this.refused, (ended) -> {
				this.connections.remove(ended);
				permit.release();
			});
		}
		catch (IOException ex) {
			permit.release();
			closeQuietly(socket);
			return;
		}
		if (serve) {
			this.connections.add(connection);
		}
		try {
			this.threads.execute(serve ? connection::run : connection::refuse);
		}
		catch (RejectedExecutionException ex) {
			this.connections.remove(connection);
			permit.release();
			closeQuietly(socket);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing more to do
		}
	}

}
