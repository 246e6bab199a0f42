package io.pushlab.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

import io.pushlab.config.PushLabProperties;
import io.pushlab.rfc6455.CloseCode;
import io.pushlab.rfc6455.Frame;
import io.pushlab.rfc6455.FrameCodec;
import io.pushlab.rfc6455.FrameDescription;
import io.pushlab.rfc6455.Handshake;
import io.pushlab.rfc6455.MalformedFrameException;
import io.pushlab.rfc6455.Opcode;
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
 * frame, {@code POST /api/lab/frames/decode} takes one apart. Payloads are limited like
 * the raw server's messages ({@code pushlab.raw-websocket.max-message-bytes}); at most
 * {@code pushlab.lab.max-concurrent-requests} are served at once (429 beyond), so
 * parallel large requests cannot take the heap. Bodies must be {@code application/json}
 * (415 otherwise).
 */
@RestController
@RequestMapping("/api/lab")
public class LabApiController {

	private static final HexFormat HEX = HexFormat.of();

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
		byte[] bytes = parseHex(hex);
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

	private static byte[] parseHex(String hex) {
		StringBuilder digits = new StringBuilder(hex.length());
		for (int i = 0; i < hex.length(); i++) {
			char c = hex.charAt(i);
			if (Character.isWhitespace(c)) {
				continue;
			}
			if (!isHexDigit(c)) {
				throw new InvalidInputException(
						"hex: not a hex digit at position " + i + ": '" + c + "' (only 0-9, a-f and spaces)");
			}
			digits.append(c);
		}
		if (digits.length() % 2 != 0) {
			throw new InvalidInputException(
					"hex: odd number of hex digits (" + digits.length() + "); two digits make a byte");
		}
		return HEX.parseHex(digits);
	}

	private static boolean isHexDigit(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

}
