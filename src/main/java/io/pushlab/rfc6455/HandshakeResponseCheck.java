package io.pushlab.rfc6455;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of the opening handshake, RFC 6455 §4.1: judges a server's response the
 * way a browser does before it fires {@code open}, for a request that offered no
 * extension and no subprotocol. Every check is run and reported, so a response shows all
 * that is wrong with it, not only the first. Stateless and thread-safe.
 */
public final class HandshakeResponseCheck {

	/**
	 * One of the client's checks.
	 *
	 * @param name {@code syntax}, {@code status}, {@code upgrade}, {@code connection},
	 * {@code accept}, {@code extensions} or {@code protocol}
	 * @param passed whether the response passes it
	 * @param detail what was found, and the rule with its section
	 */
	public record Check(String name, boolean passed, String detail) {
	}

	/**
	 * What a browser does with the response.
	 *
	 * @param opens whether the connection opens; when not, the browser fails it
	 * @param summary one sentence saying so, with the first reason
	 * @param checks every check, in the order of §4.1
	 * @param notes headers RFC 6455 does not define that a browser ignores, e.g. the
	 * pre-RFC {@code WebSocket-Location}
	 * @param expected how the right {@code Sec-WebSocket-Accept} is computed from the key
	 */
	public record Verdict(boolean opens, String summary, List<Check> checks, List<String> notes,
			Handshake.Explanation expected) {
	}

	/**
	 * Headers of the pre-RFC drafts (draft-hixie-75 and -76) that RFC 6455 dropped, in
	 * lower case.
	 */
	private static final List<String> PRE_RFC_HEADERS = List.of("websocket-location", "websocket-origin",
			"websocket-protocol", "sec-websocket-location", "sec-websocket-origin");

	private static final Pattern STATUS_LINE = Pattern.compile("HTTP/(\\d\\.\\d) (\\d{3})(?: (.*))?");

	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

	private HandshakeResponseCheck() {
	}

	/**
	 * @param key the {@code Sec-WebSocket-Key} the client sent
	 * @param response the server's response head: a status line, header lines, an empty
	 * line (CRLF or LF line ends; anything after the empty line is ignored)
	 * @return the verdict
	 */
	public static Verdict check(String key, String response) {
		Objects.requireNonNull(key, "key");
		Handshake.Explanation expected = Handshake.explain(key);
		String[] lines = response.split("\r?\n", -1);
		List<String> malformed = new ArrayList<>();
		Map<String, String> headers = new LinkedHashMap<>();
		Map<String, String> names = new LinkedHashMap<>();
		for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
			String line = lines[i];
			int colon = line.indexOf(':');
			if (colon <= 0 || !HEADER_NAME.matcher(line.substring(0, colon)).matches()) {
				malformed.add("line " + (i + 1) + " is not a header (name: value): " + line);
				continue;
			}
			String name = line.substring(0, colon);
			String lower = name.toLowerCase(Locale.ROOT);
			String value = line.substring(colon + 1).trim();
			headers.merge(lower, value, (a, b) -> a + ", " + b);
			names.putIfAbsent(lower, name);
		}
		List<Check> checks = new ArrayList<>();
		checks.add(new Check("syntax", malformed.isEmpty(),
				malformed.isEmpty() ? "a status line and " + headers.size() + " header lines"
						: String.join("; ", malformed) + " (a browser cannot parse the response)"));
		checks.add(status(lines[0]));
		checks.add(token("upgrade", "Upgrade", headers.get("upgrade"), "websocket", true));
		checks.add(token("connection", "Connection", headers.get("connection"), "Upgrade", false));
		checks.add(accept(headers.get("sec-websocket-accept"), expected.accept()));
		checks.add(unrequested("extensions", "Sec-WebSocket-Extensions", headers.get("sec-websocket-extensions"),
				"an extension"));
		checks.add(unrequested("protocol", "Sec-WebSocket-Protocol", headers.get("sec-websocket-protocol"),
				"a subprotocol"));
		List<String> notes = new ArrayList<>();
		for (Map.Entry<String, String> header : headers.entrySet()) {
			if (PRE_RFC_HEADERS.contains(header.getKey())) {
				notes.add(names.get(header.getKey()) + ": " + header.getValue()
						+ " is a header of the pre-RFC drafts (draft-hixie-75/76); RFC 6455 does not define it,"
						+ " and a browser ignores it");
			}
		}
		Check failed = checks.stream().filter((check) -> !check.passed()).findFirst().orElse(null);
		String summary = (failed == null)
				? "The browser opens the connection: every check of RFC 6455 §4.1 passes, and open fires."
				: "The browser fails the WebSocket connection (RFC 6455 §4.1): " + failed.detail()
						+ ". The page sees error, then close with code 1006.";
		return new Verdict(failed == null, summary, List.copyOf(checks), List.copyOf(notes), expected);
	}

	private static Check status(String line) {
		Matcher matcher = STATUS_LINE.matcher(line);
		if (!matcher.matches()) {
			return new Check("status", false, "the first line is not an HTTP status line: " + line);
		}
		if (!"101".equals(matcher.group(2))) {
			return new Check("status", false, "status " + matcher.group(2)
					+ ", not 101: the response is handled as plain HTTP and no WebSocket opens (RFC 6455 §4.1)");
		}
		return new Check("status", true, "status 101 (the reason phrase, here \""
				+ Objects.toString(matcher.group(3), "") + "\", is not checked)");
	}

	private static Check token(String name, String header, String value, String token, boolean whole) {
		String rule = whole ? "must be " + token : "must contain the token " + token;
		String section = " (RFC 6455 §4.1, case-insensitive)";
		if (value == null) {
			return new Check(name, false, header + " is missing; it " + rule + section);
		}
		boolean ok = whole ? value.equalsIgnoreCase(token) : hasToken(value, token);
		return new Check(name, ok, header + ": " + value + (ok ? " — " : " — wrong: it ") + rule + section);
	}

	private static boolean hasToken(String value, String token) {
		for (String part : value.split(",")) {
			if (part.trim().equalsIgnoreCase(token)) {
				return true;
			}
		}
		return false;
	}

	private static Check accept(String value, String expected) {
		String rule = "base64(SHA-1(key + \"" + Handshake.GUID + "\")) = " + expected + " (RFC 6455 §4.1, §4.2.2)";
		if (value == null) {
			return new Check("accept", false, "Sec-WebSocket-Accept is missing; it must be " + rule);
		}
		if (!value.equals(expected)) {
			return new Check("accept", false, "Sec-WebSocket-Accept: " + value + " — wrong: it must be " + rule);
		}
		return new Check("accept", true, "Sec-WebSocket-Accept: " + value + " — right: " + rule);
	}

	private static Check unrequested(String name, String header, String value, String what) {
		if (value == null) {
			return new Check(name, true, "no " + header + ": the request offered none");
		}
		return new Check(name, false,
				header + ": " + value + " — wrong: it names " + what + " the request did not offer (RFC 6455 §4.1)");
	}

}
