package io.pushlab.rfc6455;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
 */
public record FrameDescription(boolean fin, int opcode, boolean masked, String maskingKey, long payloadLength,
		String lengthEncoding, String headerHex, String payloadHex, String text, Integer closeCode, Integer fragments,
		String lengthNote, String textNote) {

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
				frame.lengthEncoding().minimalityNote(payload.length), textNote);
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
				d.headerHex, d.payloadHex, text, d.closeCode, (fragments > 1) ? fragments : null, d.lengthNote, null);
	}

	/**
	 * The JSON object of the wire contract, in the contract's key order.
	 * {@code maskingKey} and {@code text} are always present (maybe {@code null});
	 * {@code closeCode}, {@code fragments}, {@code lengthNote} and {@code textNote} only
	 * when they apply.
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
		if (this.closeCode != null) {
			map.put("closeCode", this.closeCode);
		}
		if (this.fragments != null) {
			map.put("fragments", this.fragments);
		}
		return map;
	}

}
