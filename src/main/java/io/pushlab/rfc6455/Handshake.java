package io.pushlab.rfc6455;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The server side of the opening handshake, RFC 6455 §4.2: checks the client's upgrade
 * request and computes {@code Sec-WebSocket-Accept}. Stateless and thread-safe.
 */
public final class Handshake {

	/** §1.3 and §4.2.2: the GUID appended to the client's key. */
	public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	/** §4.1 and §4.4: the only protocol version this server speaks. */
	public static final String VERSION = "13";

	/** §4.1: the key is the base64 encoding of this many random bytes. */
	public static final int KEY_BYTES = 16;

	/**
	 * Each step of computing {@code Sec-WebSocket-Accept}.
	 *
	 * @param key the client's {@code Sec-WebSocket-Key}
	 * @param concatenated the key followed by the GUID
	 * @param sha1Hex the SHA-1 digest of that, in hex
	 * @param accept the digest in base64: the {@code Sec-WebSocket-Accept} value
	 */
	public record Explanation(String key, String concatenated, String sha1Hex, String accept) {
	}

	private Handshake() {
	}

	/**
	 * §4.2.2 item 5.4: base64(SHA-1(key + GUID)).
	 * @param key the client's key, as sent
	 * @return every step of the computation
	 */
	public static Explanation explain(String key) {
		String concatenated = key + GUID;
		byte[] sha1 = sha1(concatenated.getBytes(StandardCharsets.US_ASCII));
		return new Explanation(key, concatenated, HexFormat.of().formatHex(sha1),
				Base64.getEncoder().encodeToString(sha1));
	}

	/**
	 * @param key the client's key
	 * @return the {@code Sec-WebSocket-Accept} value
	 */
	public static String accept(String key) {
		return explain(key).accept();
	}

	/**
	 * §4.1 item 7: a key is a 16-byte value in base64, so 24 characters ending in
	 * {@code ==}.
	 * @param key a key
	 * @return whether it is well formed
	 */
	public static boolean isValidKey(String key) {
		if (key == null || key.length() != 24) {
			return false;
		}
		try {
			return Base64.getDecoder().decode(key).length == KEY_BYTES;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Checks an opening handshake, §4.2.1.
	 * @param request the client's request head
	 * @return the {@code Sec-WebSocket-Accept} value to answer with
	 * @throws HandshakeException naming the first requirement the request misses
	 */
	public static String check(RequestHead request) throws HandshakeException {
		if (!"GET".equals(request.method())) {
			throw new HandshakeException("the method must be GET (RFC 6455 §4.1), not " + request.method());
		}
		if (request.version().compareTo("HTTP/1.1") < 0) {
			throw new HandshakeException("HTTP/1.1 or higher is needed (RFC 6455 §4.1)");
		}
		if (!request.headerHasToken("Upgrade", "websocket")) {
			throw new HandshakeException("an Upgrade: websocket header is needed (RFC 6455 §4.2.1)");
		}
		if (!request.headerHasToken("Connection", "Upgrade")) {
			throw new HandshakeException("a Connection header containing Upgrade is needed (RFC 6455 §4.2.1)");
		}
		if (!VERSION.equals(trim(request.header("Sec-WebSocket-Version")))) {
			throw new HandshakeException("Sec-WebSocket-Version must be 13 (RFC 6455 §4.2.1)");
		}
		String key = trim(request.header("Sec-WebSocket-Key"));
		if (!isValidKey(key)) {
			throw new HandshakeException("Sec-WebSocket-Key must be 16 bytes in base64, 24 characters (RFC 6455 §4.1)");
		}
		return accept(key);
	}

	/**
	 * §4.2.2: the server's 101 response.
	 * @param accept the {@code Sec-WebSocket-Accept} value
	 * @return the response head's bytes
	 */
	public static byte[] switchingProtocols(String accept) {
		return ("HTTP/1.1 101 Switching Protocols\r\n" + "Upgrade: websocket\r\n" + "Connection: Upgrade\r\n"
				+ "Sec-WebSocket-Accept: " + accept + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A refusal with a plain-text reason. It names the version this server speaks, as
	 * §4.4 asks when the client's version is not supported, and closes the connection.
	 * @param statusLine e.g. {@code 400 Bad Request}
	 * @param reason why
	 * @return the whole response's bytes
	 */
	public static byte[] refusal(String statusLine, String reason) {
		byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
		String head = "HTTP/1.1 " + statusLine + "\r\n" + "Content-Type: text/plain; charset=utf-8\r\n"
				+ "Content-Length: " + body.length + "\r\n" + "Sec-WebSocket-Version: " + VERSION + "\r\n"
				+ "Connection: close\r\n\r\n";
		byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
		byte[] response = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, response, 0, headBytes.length);
		System.arraycopy(body, 0, response, headBytes.length, body.length);
		return response;
	}

	private static String trim(String value) {
		return (value != null) ? value.trim() : null;
	}

	private static byte[] sha1(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-1").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-1", ex);
		}
	}

}
