package io.pushlab.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real nginx (the Debian package) run by the test as a child process in the foreground,
 * with its own prefix in a temporary folder (configuration, logs, pid, temp files and a
 * self-signed certificate made with {@code openssl} for the run), and a configuration
 * file whose listen ports and upstream servers are replaced by the test's. Outside CI a
 * test that needs it is skipped with a message saying what to install; with
 * {@code CI=true} a missing nginx or openssl fails the test.
 */
public final class Nginx implements AutoCloseable {

	private final Path prefix;

	private final int port;

	private final int tlsPort;

	private final Process process;

	private Nginx(Path prefix, int port, int tlsPort, Process process) {
		this.prefix = prefix;
		this.port = port;
		this.tlsPort = tlsPort;
		this.process = process;
	}

	/**
	 * Starts nginx with a configuration file, rewritten for the test: {@code listen 8080}
	 * and the TLS {@code listen 8443 ssl http2} become free ports of 127.0.0.1, and the
	 * upstream servers {@code 127.0.0.1:8081}, {@code 127.0.0.1:8082}, ... become the
	 * given ports, in order. The rewritten file lies in the prefix, beside a {@code tls/}
	 * folder with a certificate for {@code 127.0.0.1} and {@code localhost} made now.
	 * @param config the configuration file (used as it is, but for the ports)
	 * @param upstreamPorts the instances' ports
	 * @return the running nginx
	 */
	public static Nginx start(Path config, List<Integer> upstreamPorts) {
		String executable = Executables.find("nginx", "/usr/sbin/nginx");
		Ci.require(executable != null, "needs nginx: apt-get install -y nginx");
		String openssl = Executables.find("openssl");
		Ci.require(openssl != null, "needs openssl: apt-get install -y openssl");
		try {
			int port = RedisServer.freePort();
			int tlsPort = RedisServer.freePort();
			String text = Files.readString(config, StandardCharsets.UTF_8);
			text = replaceOnce(text, "listen 8080;", "listen 127.0.0.1:" + port + ";");
			text = replaceOnce(text, "listen 8443 ssl http2;", "listen 127.0.0.1:" + tlsPort + " ssl http2;");
			for (int i = 0; i < upstreamPorts.size(); i++) {
				text = replaceOnce(text, "server 127.0.0.1:" + (8081 + i) + " ",
						"server 127.0.0.1:" + upstreamPorts.get(i) + " ");
			}
			Path prefix = Files.createTempDirectory("pushlab-nginx-");
			// run as root, nginx's workers switch to an unprivileged user: they write
			// buffered bodies under the prefix
			Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
			Files.createDirectories(prefix.resolve("logs"));
			certificate(openssl, prefix.resolve("tls"));
			Path rewritten = prefix.resolve("nginx.conf");
			Files.writeString(rewritten, text, StandardCharsets.UTF_8);
			Process process = new ProcessBuilder(executable, "-p", prefix.toString(), "-c", rewritten.toString(), "-e",
					"logs/error.log", "-g", "daemon off;")
				.redirectErrorStream(true)
				.redirectOutput(prefix.resolve("logs/stdout.log").toFile())
				.start();
			Nginx nginx = new Nginx(prefix, port, tlsPort, process);
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("nginx exited: " + nginx.log());
				}
				return nginx.accepts();
			});
			return nginx;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A self-signed certificate and its key, {@code pushlab.crt} and {@code pushlab.key},
	 * as {@code deploy/nginx.conf} names them (relative to the configuration file).
	 */
	private static void certificate(String openssl, Path dir) throws IOException {
		Files.createDirectories(dir);
		Process process = new ProcessBuilder(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
				"ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
				"subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", dir.resolve("pushlab.key").toString(), "-out",
				dir.resolve("pushlab.crt").toString())
			.redirectErrorStream(true)
			.start();
		try {
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("openssl could not make a certificate: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String replaceOnce(String text, String from, String to) {
		if (!text.contains(from)) {
			throw new IllegalStateException("the nginx configuration has no '" + from + "'");
		}
		return text.replace(from, to);
	}

	public int port() {
		return this.port;
	}

	public String base() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * @return the TLS listener's port (HTTP/2 and HTTP/1.1, by ALPN)
	 */
	public int tlsPort() {
		return this.tlsPort;
	}

	/**
	 * @return the TLS listener's base URL; its certificate is self-signed
	 */
	public String tlsBase() {
		return "https://127.0.0.1:" + this.tlsPort;
	}

	/**
	 * @return nginx's error log so far
	 */
	public String log() {
		try {
			return Files.readString(this.prefix.resolve("logs/error.log"));
		}
		catch (IOException ex) {
			return "(no error log)";
		}
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try (Stream<Path> files = Files.walk(this.prefix)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temp folder left behind is harmless
		}
	}

}
