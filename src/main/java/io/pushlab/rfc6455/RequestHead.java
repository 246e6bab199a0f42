package io.pushlab.rfc6455;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request line and header fields of an HTTP/1.1 request, as the opening handshake
 * sends them (RFC 6455 §4.1, RFC 9112 §2-5). Header names are case-insensitive; a field
 * sent more than once is combined with {@code ", "}. Immutable.
 *
 * @param method the method, e.g. {@code GET}
 * @param target the request target, e.g. {@code /lab}
 * @param version the HTTP version, e.g. {@code HTTP/1.1}
 * @param headers the header fields by case-insensitive name
 */
public record RequestHead(String method, String target, String version, Map<String, String> headers) {

	private static final Pattern REQUEST_LINE = Pattern
		.compile("^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\\S+) (HTTP/\\d\\.\\d)$");

	private static final Pattern FIELD = Pattern.compile("^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \\t]*(.*?)[ \\t]*$");

	public RequestHead {
		Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		copy.putAll(headers);
		headers = Collections.unmodifiableMap(copy);
	}

	/**
	 * @param name a header name, in any case
	 * @return the field's value, or {@code null} when absent
	 */
	public String header(String name) {
		return this.headers.get(name);
	}

	/**
	 * @param name a header name
	 * @param token a token, compared ignoring ASCII case
	 * @return whether the comma-separated field holds the token
	 */
	public boolean headerHasToken(String name, String token) {
		String value = header(name);
		if (value == null) {
			return false;
		}
		for (String item : value.split(",")) {
			if (item.trim().equalsIgnoreCase(token)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reads a request head: bytes up to the empty line that ends it. Reads byte by byte,
	 * so nothing after the head is consumed; pass a buffered stream.
	 * @param in the connection's input
	 * @param maxBytes the largest head accepted
	 * @return the head, or {@code null} when the input ended before any byte
	 * @throws HandshakeException when the head is over {@code maxBytes}, ends early,
	 * starts with bytes no request line has, or is not HTTP/1.x
	 * @throws IOException when reading fails
	 */
	public static RequestHead read(InputStream in, int maxBytes) throws IOException, HandshakeException {
		ByteArrayOutputStream head = new ByteArrayOutputStream(512);
		int newlines = 0;
		boolean inRequestLine = true;
		while (newlines < 2) {
			int b = in.read();
			if (b < 0) {
				if (head.size() == 0) {
					return null;
				}
				throw new HandshakeException("the request ended before its header section did");
			}
			if (head.size() >= maxBytes) {
				throw new HandshakeException("header section over " + maxBytes + " bytes");
			}
			if (inRequestLine && !isRequestLineByte(b)) {
				throw new HandshakeException("not an HTTP request: byte 0x" + String.format("%02x", b) + " at offset "
						+ head.size() + " (a request line is printable ASCII, e.g. GET /lab HTTP/1.1)");
			}
			head.write(b);
			if (b == '\n') {
				newlines++;
				inRequestLine = false;
			}
			else if (b != '\r') {
				newlines = 0;
			}
		}
		return parse(head.toString(StandardCharsets.ISO_8859_1));
	}

	/**
	 * RFC 9112 §3: a request line is a method token, a target and a version, separated by
	 * spaces: visible ASCII, so anything else (a TLS hello, binary noise) is refused at
	 * its first byte instead of waiting for a line end that may never come.
	 */
	private static boolean isRequestLineByte(int b) {
		return (b >= 0x21 && b <= 0x7E) || b == ' ' || b == '\r' || b == '\n';
	}

	/**
	 * @param text a request head: request line, header lines, an empty line (CRLF or LF)
	 * @return the parsed head
	 * @throws HandshakeException when it is not a well-formed HTTP/1.x request head
	 */
	public static RequestHead parse(String text) throws HandshakeException {
		List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
		while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
			lines.remove(lines.size() - 1);
		}
		if (lines.isEmpty()) {
			throw new HandshakeException("empty request");
		}
		Matcher requestLine = REQUEST_LINE.matcher(lines.get(0));
		if (!requestLine.matches()) {
			throw new HandshakeException("malformed request line (expected e.g. GET /lab HTTP/1.1)");
		}
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (String line : lines.subList(1, lines.size())) {
			Matcher field = FIELD.matcher(line);
			if (!field.matches()) {
				throw new HandshakeException("malformed header line: " + abbreviate(line));
			}
			headers.merge(field.group(1), field.group(2), (a, b) -> a + ", " + b);
		}
		return new RequestHead(requestLine.group(1), requestLine.group(2), requestLine.group(3), headers);
	}

	private static String abbreviate(String line) {
		return (line.length() > 40) ? line.substring(0, 40) + "…" : line;
	}

}
