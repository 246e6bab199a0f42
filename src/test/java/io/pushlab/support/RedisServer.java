package io.pushlab.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} run by the test as a child process on a free port of
 * 127.0.0.1, with its own data directory (append-only file, so a restart keeps the data
 * like a production server would). Stopping it disturbs no other test. Outside CI a test
 * that needs it is skipped with a message saying what to install; with {@code CI=true} a
 * missing server fails the test.
 */
public final class RedisServer implements AutoCloseable {

	private static final String INSTALL = "needs Redis: apt-get install -y redis-server";

	private final String executable;

	private final int port;

	private final Path dir;

	private Process process;

	private RedisServer(String executable, int port, Path dir) {
		this.executable = executable;
		this.port = port;
		this.dir = dir;
	}

	/**
	 * Starts a server, or skips the calling test (outside CI) when Redis is not
	 * installed.
	 * @return the running server; close it when done
	 */
	public static RedisServer start() {
		String executable = Executables.find("redis-server");
		Ci.require(executable != null, INSTALL);
		try {
			RedisServer server = new RedisServer(executable, freePort(), Files.createTempDirectory("pushlab-redis-"));
			server.startProcess();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/** Stops the server (SIGTERM, as an operator would) and waits until it is gone. */
	public synchronized void stop() {
		if (this.process == null) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
		await().atMost(Duration.ofSeconds(5)).until(() -> !answers());
	}

	/** Starts the server again, on the same port, with the data it had. */
	public synchronized void restart() {
		stop();
		try {
			startProcess();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Starts the server again, on the same port, without its data: a Redis that lost
	 * everything (no persistence, a failover to an empty replica).
	 */
	public synchronized void restartEmpty() {
		stop();
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder())
				.filter((file) -> !file.equals(this.dir) && !file.getFileName().toString().equals("redis.log"))
				.map(Path::toFile)
				.forEach(File::delete);
			startProcess();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends one command (as an inline command) and returns the first line of the reply.
	 * @param words the command and its arguments (no spaces inside)
	 * @return the reply's first line, e.g. {@code +OK}
	 */
	public String command(String... words) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write((String.join(" ", words) + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int b;
			while ((b = in.read()) >= 0 && b != '\n') {
				if (b != '\r') {
					line.append((char) b);
				}
			}
			return line.toString();
		}
	}

	private boolean answers() {
		try {
			return "+PONG".equals(command("PING"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void startProcess() throws IOException {
		this.process = new ProcessBuilder(List.of(this.executable, "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--dir", this.dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync",
				"always", "--protected-mode", "no"))
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("redis.log").toFile())
			.start();
		await().atMost(Duration.ofSeconds(10)).until(this::answers);
	}

	@Override
	public void close() {
		stop();
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temp folder left behind is harmless
		}
	}

	/**
	 * @return a TCP port that was free a moment ago
	 */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

}
