package io.pushlab.rfc6455;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One WebSocket frame, RFC 6455 §5.2, as it is (or was) on the wire. {@code payload} is
 * the application data, already unmasked; the masked bytes and the header are derived
 * from the fields, so a decoded frame re-encodes to exactly the bytes it came from,
 * including a length written with more bytes than needed. Immutable: arrays are copied in
 * and out.
 *
 * @param fin whether this is the final fragment of a message (§5.4)
 * @param rsv the three reserved bits (RSV1-3), 0 unless an extension says otherwise
 * @param opcode the 4-bit opcode ({@link Opcode})
 * @param maskingKey the 4-byte masking key (§5.3), or {@code null} for an unmasked frame
 * @param payload the unmasked payload
 * @param lengthEncoding how the header carries the payload length
 */
public record Frame(boolean fin, int rsv, int opcode, byte[] maskingKey, byte[] payload,
		LengthEncoding lengthEncoding) {

	public Frame {
		if (rsv < 0 || rsv > 0x7) {
			throw new IllegalArgumentException("rsv must fit in 3 bits (RFC 6455 §5.2): " + rsv);
		}
		if (opcode < 0 || opcode > 0xF) {
			throw new IllegalArgumentException("opcode must fit in 4 bits (RFC 6455 §5.2): " + opcode);
		}
		if (maskingKey != null && maskingKey.length != FrameHeader.MASKING_KEY_BYTES) {
			throw new IllegalArgumentException("a masking key is 4 bytes (RFC 6455 §5.3)");
		}
		if (payload == null || lengthEncoding == null || !lengthEncoding.canCarry(payload.length)) {
			throw new IllegalArgumentException("a " + lengthEncoding + " length cannot carry (RFC 6455 §5.2) "
					+ ((payload != null) ? payload.length : null) + " bytes");
		}
		maskingKey = (maskingKey != null) ? maskingKey.clone() : null;
		payload = payload.clone();
	}

	/**
	 * A frame with no reserved bits and the shortest length encoding.
	 * @param fin whether this is the final fragment
	 * @param opcode the opcode
	 * @param maskingKey the masking key, or {@code null} for an unmasked frame
	 * @param payload the unmasked payload
	 * @return the frame
	 */
	public static Frame of(boolean fin, int opcode, byte[] maskingKey, byte[] payload) {
		return new Frame(fin, 0, opcode, maskingKey, payload, LengthEncoding.minimalFor(payload.length));
	}

	/**
	 * An unmasked, final frame, as a server sends (§5.1: a server never masks).
	 * @param opcode the opcode
	 * @param payload the payload
	 * @return the frame
	 */
	public static Frame unmasked(int opcode, byte[] payload) {
		return of(true, opcode, null, payload);
	}

	public boolean masked() {
		return this.maskingKey != null;
	}

	@Override
	public byte[] maskingKey() {
		return (this.maskingKey != null) ? this.maskingKey.clone() : null;
	}

	@Override
	public byte[] payload() {
		return this.payload.clone();
	}

	public int payloadLength() {
		return this.payload.length;
	}

	/**
	 * The header as it goes on the wire: FIN, RSV1-3 and opcode; MASK and the 7-bit
	 * length; the extended length; the masking key (§5.2).
	 * @return the header bytes
	 */
	public byte[] header() {
		int length = this.payload.length;
		int extended = this.lengthEncoding.extendedBytes();
		int base = FrameHeader.BASE_BYTES;
		byte[] header = new byte[base + extended + (masked() ? FrameHeader.MASKING_KEY_BYTES : 0)];
		header[0] = (byte) ((this.fin ? FrameHeader.FIN_BIT : 0) | (this.rsv << FrameHeader.RSV_SHIFT) | this.opcode);
		int lengthBits = switch (this.lengthEncoding) {
			case SEVEN_BIT -> length;
			case SIXTEEN_BIT -> LengthEncoding.MARKER_16;
			case SIXTY_FOUR_BIT -> LengthEncoding.MARKER_64;
		};
		header[1] = (byte) ((masked() ? FrameHeader.MASK_BIT : 0) | lengthBits);
		for (int i = 0; i < extended; i++) {
			header[base + i] = (byte) (((long) length) >>> (8 * (extended - 1 - i)));
		}
		if (masked()) {
			System.arraycopy(this.maskingKey, 0, header, base + extended, FrameHeader.MASKING_KEY_BYTES);
		}
		return header;
	}

	/**
	 * The payload as it goes on the wire: masked when the frame has a masking key (§5.3).
	 * @return the wire payload
	 */
	public byte[] wirePayload() {
		return masked() ? Masking.apply(this.maskingKey, this.payload) : this.payload.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Frame that && this.fin == that.fin && this.rsv == that.rsv && this.opcode == that.opcode
				&& Arrays.equals(this.maskingKey, that.maskingKey) && Arrays.equals(this.payload, that.payload)
				&& this.lengthEncoding == that.lengthEncoding;
	}

	@Override
	public int hashCode() {
		return 31 * (31 * Arrays.hashCode(this.payload) + Arrays.hashCode(this.maskingKey)) + this.opcode;
	}

	@Override
	public String toString() {
		return "Frame[fin=" + this.fin + ", rsv=" + this.rsv + ", opcode=" + Opcode.name(this.opcode) + ", maskingKey="
				+ ((this.maskingKey != null) ? HexFormat.of().formatHex(this.maskingKey) : null) + ", payloadLength="
				+ this.payload.length + ", lengthEncoding=" + this.lengthEncoding.label() + "]";
	}

}
