package io.pushlab.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import io.pushlab.config.PushLabProperties;
import io.pushlab.rfc6455.CloseCode;
import io.pushlab.rfc6455.Frame;
import io.pushlab.rfc6455.FrameCodec;
import io.pushlab.rfc6455.FrameDescription;
import io.pushlab.rfc6455.Handshake;
import io.pushlab.rfc6455.HandshakeResponseCheck;
import io.pushlab.rfc6455.MalformedFrameException;
import io.pushlab.rfc6455.Opcode;
import io.pushlab.rfc6455.tutorial.LengthForms;
import io.pushlab.rfc6455.tutorial.Reads;
import io.pushlab.web.InvalidInputException;
import io.pushlab.web.JsonBodies;
import io.pushlab.web.TooManyRequestsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The lab's calculators: {@code POST /api/lab/handshake} shows how
 * {@code Sec-WebSocket-Accept} is computed, {@code POST /api/lab/frames/encode} builds a
 * frame, {@code POST /api/lab/frames/decode} takes one apart; {@code /handshake/check},
 * {@code /frames/lengths} and {@code /frames/reads} set the classic tutorial's bugs
 * beside what the real codec does. Payloads are limited like the raw server's messages
 * ({@code pushlab.raw-websocket.max-message-bytes}); at most
 * {@code pushlab.lab.max-concurrent-requests} are served at once (429 beyond), so
 * parallel large requests cannot take the heap. Bodies must be {@code application/json}
 * (415 otherwise).
 */
@RestController
@RequestMapping("/api/lab")
public class LabApiController {

	private static final HexFormat HEX = HexFormat.of();

	/**
	 * The largest body of the tutorial-bug endpoints, whose inputs are small examples.
	 */
	static final int MAX_EXAMPLE_BODY_BYTES = 64 * 1024;

	/** The longest response head {@code /handshake/check} reads, as the raw server's. */
	static final int MAX_RESPONSE_CHARS = 8192;

	/** At most this many lengths per {@code /frames/lengths} request. */
	static final int MAX_LENGTHS = 8;

	/**
	 * The largest length {@code /frames/lengths} builds: the first of the 64-bit form.
	 */
	static final int MAX_LENGTH = 65_536;

	/** At most this many reads per {@code /frames/reads} request. */
	static final int MAX_READS = 16;

	/** At most this many bytes in all the reads of one {@code /frames/reads} request. */
	static final int MAX_READ_BYTES = 16 * 1024;

	private final SecureRandom random = new SecureRandom();

	private final JsonMapper jsonMapper;

	private final int maxPayloadBytes;

	private final int maxBodyBytes;

	private final Semaphore permits;

	public LabApiController(PushLabProperties properties, JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		this.permits = new Semaphore(properties.lab().maxConcurrentRequests());
		this.maxPayloadBytes = properties.rawWebsocket().maxMessageBytes();
		// a payload in hex takes two characters a byte, a header at most 14 bytes
		this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 8, 2L * this.maxPayloadBytes + 64 * 1024);
	}

	@PostMapping(path = "/handshake", consumes = MediaType.APPLICATION_JSON_VALUE)
	public Handshake.Explanation handshake(InputStream body) throws IOException {
		JsonNode node = read(body, "a JSON object with key");
		String key = JsonBodies.string(node, "key");
		if (!Handshake.isValidKey(key)) {
			throw new InvalidInputException("key: must be 16 bytes in base64, 24 characters, e.g. "
					+ "dGhlIHNhbXBsZSBub25jZQ== (RFC 6455 §4.1)");
		}
		return Handshake.explain(key);
	}

	@PostMapping(path = "/frames/encode", consumes = MediaType.APPLICATION_JSON_VALUE)
	public Map<String, Object> encode(InputStream body) throws IOException {
		if (!this.permits.tryAcquire()) {
			throw busy();
		}
		try {
			return encode(readHeld(body, "a JSON object with text"));
		}
		finally {
			this.permits.release();
		}
	}

	private Map<String, Object> encode(JsonNode node) {
		String text = JsonBodies.string(node, "text");
		boolean mask = JsonBodies.bool(node, "mask", true);
		boolean fin = JsonBodies.bool(node, "fin", true);
		int opcode = JsonBodies.integer(node, "opcode", Opcode.TEXT);
		if (text == null) {
			throw new InvalidInputException("text: is required (it may be empty)");
		}
		if (opcode < 0 || opcode > 0xF || !Opcode.isDefined(opcode)) {
			throw new InvalidInputException("opcode: must be 0, 1, 2, 8, 9 or 10 (RFC 6455 §5.2)");
		}
		byte[] payload = payload(node, opcode, text);
		if (payload.length > this.maxPayloadBytes) {
			throw new InvalidInputException("text: the payload must be at most " + this.maxPayloadBytes + " bytes");
		}
		if (Opcode.isControl(opcode) && payload.length > Opcode.MAX_CONTROL_PAYLOAD) {
			throw new InvalidInputException(
					"text: a control frame's payload must be at most 125 bytes (RFC 6455 §5.5)");
		}
		if (Opcode.isControl(opcode) && !fin) {
			throw new InvalidInputException("fin: control frames must not be fragmented (RFC 6455 §5.5)");
		}
		Frame frame = Frame.of(fin, opcode, mask ? maskingKey() : null, payload);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("hex", HEX.formatHex(FrameCodec.encode(frame)));
		result.put("frame", FrameDescription.of(frame).toMap());
		return result;
	}

	@PostMapping(path = "/frames/decode", consumes = MediaType.APPLICATION_JSON_VALUE)
	public Map<String, Object> decode(InputStream body) throws IOException {
		if (!this.permits.tryAcquire()) {
			throw busy();
		}
		try {
			return decode(readHeld(body, "a JSON object with hex"));
		}
		finally {
			this.permits.release();
		}
	}

	private Map<String, Object> decode(JsonNode node) {
		String hex = JsonBodies.string(node, "hex");
		if (hex == null) {
			throw new InvalidInputException("hex: is required");
		}
		byte[] bytes = parseHex("hex", hex);
		if (bytes.length > this.maxPayloadBytes + 14) {
			throw new InvalidInputException("hex: must be at most " + (this.maxPayloadBytes + 14) + " bytes");
		}
		try {
			return FrameDescription.of(FrameCodec.decode(bytes)).toMap();
		}
		catch (MalformedFrameException ex) {
			throw new InvalidInputException("hex: " + ex.getMessage());
		}
	}

	/**
	 * A server's handshake response, judged as a browser does (RFC 6455 §4.1).
	 */
	@PostMapping(path = "/handshake/check", consumes = MediaType.APPLICATION_JSON_VALUE)
	public HandshakeResponseCheck.Verdict checkResponse(InputStream body) throws IOException {
		return underPermit(() -> checkResponse(readExample(body, "a JSON object with key and response")));
	}

	private HandshakeResponseCheck.Verdict checkResponse(JsonNode node) {
		String key = JsonBodies.string(node, "key");
		String response = JsonBodies.string(node, "response");
		if (!Handshake.isValidKey(key)) {
			throw new InvalidInputException("key: must be 16 bytes in base64, 24 characters, e.g. "
					+ "dGhlIHNhbXBsZSBub25jZQ== (RFC 6455 §4.1)");
		}
		if (response == null || response.isBlank()) {
			throw new InvalidInputException("response: is required: a status line and header lines");
		}
		if (response.length() > MAX_RESPONSE_CHARS) {
			throw new InvalidInputException("response: must be at most " + MAX_RESPONSE_CHARS + " characters");
		}
		return HandshakeResponseCheck.check(key, response);
	}

	/**
	 * Unmasked text frames of the given lengths from the tutorial's encoder and from
	 * PushLab's, read back by the real decoder.
	 */
	@PostMapping(path = "/frames/lengths", consumes = MediaType.APPLICATION_JSON_VALUE)
	public Map<String, Object> lengths(InputStream body) throws IOException {
		return underPermit(() -> lengths(readExample(body, "a JSON object with lengths")));
	}

	private Map<String, Object> lengths(JsonNode node) {
		JsonNode lengths = node.get("lengths");
		if (lengths == null || !lengths.isArray() || lengths.isEmpty() || lengths.size() > MAX_LENGTHS) {
			throw new InvalidInputException("lengths: must be a list of 1 to " + MAX_LENGTHS + " payload lengths");
		}
		List<LengthForms.Comparison> comparisons = new ArrayList<>();
		for (JsonNode length : lengths) {
			if (!length.isIntegralNumber() || !length.canConvertToInt() || length.intValue() < 0
					|| length.intValue() > MAX_LENGTH) {
				throw new InvalidInputException("lengths: each must be a whole number from 0 to " + MAX_LENGTH);
			}
			comparisons.add(LengthForms.compare(length.intValue()));
		}
		return Map.of("lengths", comparisons);
	}

	/**
	 * The bytes of successive reads from a socket, decoded the tutorial's way (one read,
	 * one frame) and PushLab's.
	 */
	@PostMapping(path = "/frames/reads", consumes = MediaType.APPLICATION_JSON_VALUE)
	public Map<String, Object> reads(InputStream body) throws IOException {
		return underPermit(() -> reads(readExample(body, "a JSON object with reads")));
	}

	private Map<String, Object> reads(JsonNode node) {
		JsonNode reads = node.get("reads");
		if (reads == null || !reads.isArray() || reads.isEmpty() || reads.size() > MAX_READS) {
			throw new InvalidInputException("reads: must be a list of 1 to " + MAX_READS + " hex strings");
		}
		List<byte[]> bytes = new ArrayList<>();
		int total = 0;
		for (JsonNode read : reads) {
			String field = "reads[" + bytes.size() + "]";
			if (!read.isString()) {
				throw new InvalidInputException(field + ": must be a hex string");
			}
			byte[] parsed = parseHex(field, read.stringValue());
			total += parsed.length;
			if (total > MAX_READ_BYTES) {
				throw new InvalidInputException("reads: must hold at most " + MAX_READ_BYTES + " bytes in all");
			}
			bytes.add(parsed);
		}
		List<Map<String, Object>> outcomes = new ArrayList<>();
		for (Reads.Outcome outcome : Reads.compare(bytes, this.maxPayloadBytes)) {
			Map<String, Object> pushlab = new LinkedHashMap<>();
			pushlab.put("frames", outcome.pushlab().frames().stream().map(FrameDescription::toMap).toList());
			pushlab.put("messages", outcome.pushlab().messages());
			pushlab.put("waiting", outcome.pushlab().waiting());
			pushlab.put("failure", outcome.pushlab().failure());
			Map<String, Object> map = new LinkedHashMap<>();
			map.put("hex", outcome.hex());
			map.put("tutorial", outcome.tutorial());
			map.put("pushlab", pushlab);
			outcomes.add(map);
		}
		return Map.of("reads", outcomes);
	}

	/** Work done while holding a permit. */
	@FunctionalInterface
	private interface PermitWork<T> {

		T run() throws IOException;

	}

	private <T> T underPermit(PermitWork<T> work) throws IOException {
		if (!this.permits.tryAcquire()) {
			throw busy();
		}
		try {
			return work.run();
		}
		finally {
			this.permits.release();
		}
	}

	private JsonNode readExample(InputStream body, String expected) throws IOException {
		return JsonBodies.readObject(body, MAX_EXAMPLE_BODY_BYTES, this.jsonMapper, expected);
	}

	/**
	 * Reads a small body (the handshake's) under a permit.
	 */
	private JsonNode read(InputStream body, String expected) throws IOException {
		if (!this.permits.tryAcquire()) {
			throw busy();
		}
		try {
			return readHeld(body, expected);
		}
		finally {
			this.permits.release();
		}
	}

	private JsonNode readHeld(InputStream body, String expected) throws IOException {
		return JsonBodies.readObject(body, this.maxBodyBytes, this.jsonMapper, expected);
	}

	/**
	 * A body may be 2 MiB and an answer about five times its payload: past
	 * {@code pushlab.lab.max-concurrent-requests} at once, refuse rather than queue.
	 */
	private static TooManyRequestsException busy() {
		return new TooManyRequestsException("lab_busy",
				"lab: too many lab requests at once (pushlab.lab.max-concurrent-requests); try again", 1);
	}

	/**
	 * A close frame's payload is its status code, then the text as its reason (§5.5.1).
	 */
	private static byte[] payload(JsonNode node, int opcode, String text) {
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		if (opcode != Opcode.CLOSE) {
			return utf8;
		}
		int code = JsonBodies.integer(node, "closeCode", CloseCode.NORMAL);
		if (!CloseCode.isAllowedOnWire(code)) {
			throw new InvalidInputException("closeCode: must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4)");
		}
		byte[] payload = new byte[2 + utf8.length];
		payload[0] = (byte) (code >> 8);
		payload[1] = (byte) code;
		System.arraycopy(utf8, 0, payload, 2, utf8.length);
		return payload;
	}

	/** §5.3: a fresh, unpredictable masking key for every frame. */
	private byte[] maskingKey() {
		byte[] key = new byte[4];
		this.random.nextBytes(key);
		return key;
	}

	private static byte[] parseHex(String field, String hex) {
		StringBuilder digits = new StringBuilder(hex.length());
		for (int i = 0; i < hex.length(); i++) {
			char c = hex.charAt(i);
			if (Character.isWhitespace(c)) {
				continue;
			}
			if (!isHexDigit(c)) {
				throw new InvalidInputException(
						field + ": not a hex digit at position " + i + ": '" + c + "' (only 0-9, a-f and spaces)");
			}
			digits.append(c);
		}
		if (digits.length() % 2 != 0) {
			throw new InvalidInputException(
					field + ": odd number of hex digits (" + digits.length() + "); two digits make a byte");
		}
		return HEX.parseHex(digits);
	}

	private static boolean isHexDigit(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

}
