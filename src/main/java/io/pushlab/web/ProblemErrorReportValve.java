package io.pushlab.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import io.pushlab.stats.Rejections;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.http.MimeHeaders;
import org.apache.tomcat.util.res.StringManager;

import org.springframework.http.HttpStatus;

/**
 * Answers every error that Tomcat reports itself, before the application sees the request
 * (a request line or header it cannot parse, a path it will not decode, an HTTP version
 * it does not serve), as an RFC 9457 {@code application/problem+json} with the hardening
 * headers and a {@code detail} naming what was wrong; never a stack trace or the server's
 * version.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	private static final String HTTP11 = "org.apache.coyote.http11";

	private static final String PARSER = "org.apache.tomcat.util.http.parser";

	private static final String CONNECTOR = "org.apache.catalina.connector";

	private static final String VERSION = "HTTP version: must be HTTP/1.1 or HTTP/1.0";

	/** Tomcat's message for a path it will not decode; the raw target tells why. */
	private static final Rejection INVALID_URI = new Rejection(CONNECTOR, "coyoteAdapter.invalidURI", null);

	/**
	 * The messages Tomcat gives its refusals (in the JVM's language, as Tomcat wrote
	 * them) and what they mean in plain words; {@code {size}} and {@code {count}} are the
	 * connector's limits.
	 */
	private static final List<Rejection> REJECTIONS = List.of(INVALID_URI,
			new Rejection(HTTP11, "iib.requestheadertoolarge.error",
					"headers: the request line and headers together must fit in {size} bytes"),
			new Rejection("org.apache.tomcat.util.http", "headers.maxCountFail",
					"headers: at most {count} headers are allowed"),
			new Rejection(HTTP11, "iib.invalidRequestTarget",
					"path: holds a character that must be percent-encoded (a space, \", <, >, \\, ^, `, {, |, } "
							+ "or a control character)"),
			new Rejection(HTTP11, "iib.invalidmethod",
					"method: must be a token (letters, digits and !#$%&'*+-.^_`|~ only)"),
			new Rejection(HTTP11, "iib.invalidHttpProtocol", VERSION + " (a space in the path must be sent as %20)"),
			new Rejection(PARSER, "httpHeaderParser.invalidHeader",
					"headers: every header must be a token name, a colon and a value without control characters"),
			new Rejection(PARSER, "httpHeaderParser.invalidCrlfNoCR", "headers: every line must end with CR LF"),
			new Rejection(CONNECTOR, "coyoteAdapter.connect", "method: CONNECT is not served"));

	private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

	private final Rejections rejections;

	ProblemErrorReportValve(Rejections rejections) {
		this.rejections = rejections;
	}

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		this.rejections.reject("malformed_request");
		String body = body(status, detail(status, request, response, throwable));
		try {
			response.setContentType("application/problem+json");
			SecurityHeadersFilter.harden(response);
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client is gone or the answer is under way: nothing more to say
		}
	}

	private static String detail(int status, Request request, Response response, Throwable throwable) {
		String message = (throwable != null) ? throwable.getMessage() : response.getMessage();
		org.apache.coyote.Request coyote = request.getCoyoteRequest();
		for (Rejection rejection : REJECTIONS) {
			if (rejection.matches(message)) {
				if (rejection == INVALID_URI) {
					String why = invalidPath(coyote.requestURI().toString());
					return (why != null) ? why : "path: is not a valid path";
				}
				return rejection.detail()
					.replace("{size}", String.valueOf(request.getConnector().getProperty("maxHttpRequestHeaderSize")))
					.replace("{count}", String.valueOf(request.getConnector().getProperty("maxHeaderCount")));
			}
		}
		if (throwable != null && fromHostParser(throwable)) {
			return "Host: must be a host name, IPv4 or [IPv6] address, with an optional :port";
		}
		if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED.value()) {
			return VERSION;
		}
		if (status == HttpStatus.NOT_IMPLEMENTED.value() && coyote.getHeader("Transfer-Encoding") != null) {
			return "Transfer-Encoding: only chunked is supported";
		}
		if (throwable == null && message == null) {
			// Tomcat's checks of the parsed head log their reason, they do not give it
			String unnamed = unnamedReason(coyote);
			if (unnamed != null) {
				return unnamed;
			}
		}
		if (status == HttpStatus.BAD_REQUEST.value()) {
			return "request: is not well-formed HTTP/1.1 (request line or headers)";
		}
		HttpStatus known = HttpStatus.resolve(status);
		return "request: " + ((known != null) ? known.getReasonPhrase().toLowerCase(Locale.ROOT) : "refused");
	}

	private static String unnamedReason(org.apache.coyote.Request coyote) {
		MimeHeaders headers = coyote.getMimeHeaders();
		int hosts = count(headers, "Host");
		if (hosts > 1) {
			return "Host: must be sent once";
		}
		if (hosts == 0 && "HTTP/1.1".equals(coyote.protocol().toString())) {
			return "Host: is required in an HTTP/1.1 request";
		}
		if (count(headers, "Content-Length") > 1) {
			return "Content-Length: must be sent once";
		}
		String length = headers.getHeader("Content-Length");
		if (length != null && !length.trim().matches("[0-9]{1,18}")) {
			return "Content-Length: must be a whole number";
		}
		return (coyote.requestURI().isNull()) ? null : invalidPath(coyote.requestURI().toString());
	}

	private static int count(MimeHeaders headers, String name) {
		int count = 0;
		for (int i = headers.findHeader(name, 0); i >= 0; i = headers.findHeader(name, i + 1)) {
			count++;
		}
		return count;
	}

	/**
	 * Why Tomcat would not decode this raw request target, in plain words; {@code null}
	 * when nothing in it explains a refusal.
	 * @param target the target as sent
	 * @return the detail, or {@code null}
	 */
	static String invalidPath(String target) {
		String lower = target.toLowerCase(Locale.ROOT);
		if (lower.contains("%2f")) {
			return "path: must not hold an encoded slash (%2F)";
		}
		if (lower.contains("%5c")) {
			return "path: must not hold an encoded backslash (%5C)";
		}
		if (lower.contains("%00")) {
			return "path: must not hold an encoded NUL (%00)";
		}
		if (BAD_ESCAPE.matcher(target).find()) {
			return "path: every % must begin an escape of two hex digits, such as %20";
		}
		if (!target.startsWith("/")) {
			return "path: must begin with /";
		}
		byte[] decoded = percentDecoded(target);
		try {
			StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(decoded));
		}
		catch (CharacterCodingException ex) {
			return "path: must be valid UTF-8 once its %-escapes are decoded";
		}
		String path = new String(decoded, StandardCharsets.UTF_8);
		if (path.contains("/../") || path.endsWith("/..")) {
			return "path: must not climb above / with a .. segment";
		}
		return null;
	}

	private static byte[] percentDecoded(String target) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (int i = 0; i < target.length(); i++) {
			char c = target.charAt(i);
			if (c == '%' && i + 2 < target.length()) {
				bytes.write(Integer.parseInt(target, i + 1, i + 3, 16));
				i += 2;
			}
			else {
				bytes.write(c);
			}
		}
		return bytes.toByteArray();
	}

	private static boolean fromHostParser(Throwable throwable) {
		for (StackTraceElement frame : throwable.getStackTrace()) {
			if (frame.getClassName().startsWith(PARSER + ".Host")) {
				return true;
			}
		}
		return false;
	}

	private static String body(int status, String detail) {
		HttpStatus known = HttpStatus.resolve(status);
		String title = (known != null) ? known.getReasonPhrase() : "Error";
		String type = (known != null) ? known.name().toLowerCase(Locale.ROOT).replace('_', '-') : "error";
		// every detail here names its field first ("path: ..."); "request" if one ever
		// does not
		int colon = detail.indexOf(": ");
		String field = (colon > 0) ? detail.substring(0, colon) : "request";
		String message = (colon > 0) ? detail.substring(colon + 2) : detail;
		return "{\"type\":\"urn:pushlab:problem:" + type + "\",\"title\":" + json(title) + ",\"status\":" + status
				+ ",\"detail\":" + json(detail) + ",\"errors\":[{\"field\":" + json(field) + ",\"message\":"
				+ json(message) + "}]}";
	}

	private static String json(String text) {
		StringBuilder json = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20 || c > 0x7e) {
				json.append("\\u%04x".formatted((int) c));
			}
			else {
				json.append(c);
			}
		}
		return json.append('"').toString();
	}

	/**
	 * One of Tomcat's messages, matched on its text up to its first argument.
	 */
	private record Rejection(String pkg, String key, String detail) {

		boolean matches(String message) {
			String pattern = StringManager.getManager(this.pkg).getString(this.key);
			if (message == null || pattern == null || pattern.equals(this.key)) {
				return false;
			}
			int argument = pattern.indexOf('{');
			return message.startsWith((argument > 0) ? pattern.substring(0, argument) : pattern);
		}

	}

}
