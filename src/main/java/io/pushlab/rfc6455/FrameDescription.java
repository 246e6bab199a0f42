package io.pushlab.rfc6455;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a frame was decoded, field by field: what the lab's raw server answers for each
 * message and what {@code /api/lab/frames/*} return.
 *
 * @param fin the FIN bit
 * @param opcode the opcode
 * @param masked the MASK bit
 * @param maskingKey the masking key as 8 hex digits, {@code null} when unmasked
 * @param payloadLength the payload length the header announces
 * @param lengthEncoding {@code 7-bit}, {@code 16-bit} or {@code 64-bit}
 * @param headerHex the header bytes, masking key included
 * @param payloadHex the payload as on the wire (masked when masked)
 * @param text the payload as text: the whole message's text for a fragmented message, the
 * reason of a close frame, {@code null} for binary data
 * @param closeCode a close frame's status code, else {@code null}
 * @param fragments the number of frames of a fragmented message, else {@code null}
 * @param lengthNote why the length is not in its shortest form (RFC 6455 §5.2), or
 * {@code null} when it is: such a frame is decoded as sent, and flagged
 * @param textNote why the text breaks RFC 6455 (a final text frame or a close reason that
 * is not valid UTF-8, §8.1), or {@code null}: such a text is shown with U+FFFD, and
 * flagged
 * @param ruleNote which of the header's and the close body's rules the frame breaks (RSV
 * bits, a reserved opcode, a fragmented or over-long control frame, §5.2 and §5.5; a
 * one-byte close body, §5.5.1; a close code no endpoint may send, §7.4), or {@code null}:
 * such a frame is decoded as sent, and flagged
 */
public record FrameDescription(boolean fin, int opcode, boolean masked, String maskingKey, long payloadLength,
		String lengthEncoding, String headerHex, String payloadHex, String text, Integer closeCode, Integer fragments,
		String lengthNote, String textNote, String ruleNote) {

	/** The {@code textNote} of a text that is not valid UTF-8. */
	static final String NOT_UTF8 = "not valid UTF-8 (RFC 6455 §8.1): shown with U+FFFD for the bad bytes;"
			+ " an endpoint that receives it fails the connection with 1007";

	private static final HexFormat HEX = HexFormat.of();

	/**
	 * @param frame a frame
	 * @return its description; a text payload that is not valid UTF-8 shows U+FFFD and
	 * has a {@code textNote}
	 */
	public static FrameDescription of(Frame frame) {
		byte[] payload = frame.payload();
		String text = null;
		Integer closeCode = null;
		String textNote = null;
		switch (frame.opcode()) {
			case Opcode.TEXT, Opcode.CONTINUATION, Opcode.PING, Opcode.PONG -> {
				text = Utf8.decodeLenient(payload);
				// a fragment may end inside a character; a whole text message may not
				if (frame.opcode() == Opcode.TEXT && frame.fin() && !Utf8.isValid(payload)) {
					textNote = NOT_UTF8;
				}
			}
			case Opcode.CLOSE -> {
				if (payload.length >= 2) {
					closeCode = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
					byte[] reason = Arrays.copyOfRange(payload, 2, payload.length);
					text = Utf8.decodeLenient(reason);
					textNote = Utf8.isValid(reason) ? null : NOT_UTF8;
				}
			}
			default -> {
				// binary and reserved opcodes have no text
			}
		}
		byte[] key = frame.maskingKey();
		return new FrameDescription(frame.fin(), frame.opcode(), frame.masked(),
				(key != null) ? HEX.formatHex(key) : null, payload.length, frame.lengthEncoding().label(),
				HEX.formatHex(frame.header()), HEX.formatHex(frame.wirePayload()), text, closeCode, null,
				frame.lengthEncoding().minimalityNote(payload.length), textNote, ruleNote(frame, closeCode));
	}

	/**
	 * The rules a frame breaks whatever its direction (masking depends on who sent it).
	 * @return the broken rules, or {@code null}
	 */
	private static String ruleNote(Frame frame, Integer closeCode) {
		List<String> broken = new ArrayList<>();
		if (frame.rsv() != 0) {
			broken.add("RSV bits set with no extension negotiated (§5.2)");
		}
		if (!Opcode.isDefined(frame.opcode())) {
			broken.add("reserved opcode 0x" + Integer.toHexString(frame.opcode()).toUpperCase(Locale.ROOT) + " (§5.2)");
		}
		if (Opcode.isControl(frame.opcode()) && !frame.fin()) {
			broken.add("a control frame must not be fragmented (§5.5)");
		}
		if (Opcode.isControl(frame.opcode()) && frame.payload().length > Opcode.MAX_CONTROL_PAYLOAD) {
			broken.add("a control frame carries at most 125 bytes, this one " + frame.payload().length + " (§5.5)");
		}
		if (frame.opcode() == Opcode.CLOSE && frame.payload().length == 1) {
			broken.add("a close frame's body is empty or starts with a 2-byte status code (§5.5.1)");
		}
		if (closeCode != null && !CloseCode.isAllowedOnWire(closeCode)) {
			broken.add("close code " + closeCode + " may not be sent in a close frame (§7.4)");
		}
		if (broken.isEmpty()) {
			return null;
		}
		return "breaks RFC 6455: " + String.join("; ", broken)
				+ "; an endpoint that receives it fails the connection with 1002";
	}

	/**
	 * A whole message, described by its first frame's header fields.
	 * @param first the message's first frame
	 * @param fragments how many frames carried the message
	 * @param text the whole message's text, {@code null} for a binary message
	 * @return the description; {@code fragments} is set only when more than one
	 */
	public static FrameDescription ofMessage(Frame first, int fragments, String text) {
		FrameDescription d = of(first);
		return new FrameDescription(d.fin, d.opcode, d.masked, d.maskingKey, d.payloadLength, d.lengthEncoding,
				d.headerHex, d.payloadHex, text, d.closeCode, (fragments > 1) ? fragments : null, d.lengthNote, null,
				d.ruleNote);
	}

	/**
	 * The JSON object of the wire contract, in the contract's key order.
	 * {@code maskingKey} and {@code text} are always present (maybe {@code null});
	 * {@code closeCode}, {@code fragments}, {@code lengthNote}, {@code textNote} and
	 * {@code ruleNote} only when they apply.
	 * @return an ordered map for a JSON writer
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("fin", this.fin);
		map.put("opcode", this.opcode);
		map.put("masked", this.masked);
		map.put("maskingKey", this.maskingKey);
		map.put("payloadLength", this.payloadLength);
		map.put("lengthEncoding", this.lengthEncoding);
		if (this.lengthNote != null) {
			map.put("lengthNote", this.lengthNote);
		}
		map.put("headerHex", this.headerHex);
		map.put("payloadHex", this.payloadHex);
		map.put("text", this.text);
		if (this.textNote != null) {
			map.put("textNote", this.textNote);
		}
		if (this.ruleNote != null) {
			map.put("ruleNote", this.ruleNote);
		}
		if (this.closeCode != null) {
			map.put("closeCode", this.closeCode);
		}
		if (this.fragments != null) {
			map.put("fragments", this.fragments);
		}
		return map;
	}

}
