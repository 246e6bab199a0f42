package io.pushlab.rfc6455;

import java.util.Arrays;

/**
 * What comes before a frame's payload, RFC 6455 §5.2: FIN, RSV1-3 and the opcode; MASK
 * and the payload length, in the form the sender chose; the masking key. Known before a
 * single payload byte has arrived, so an endpoint can refuse a frame without buffering
 * it. Immutable.
 *
 * @param fin whether this is the final fragment of a message (§5.4)
 * @param rsv the three reserved bits (RSV1-3)
 * @param opcode the 4-bit opcode ({@link Opcode})
 * @param maskingKey the 4-byte masking key (§5.3), or {@code null} for an unmasked frame
 * @param payloadLength the payload length the header announces
 * @param lengthEncoding which of the three length forms carried it
 */
public record FrameHeader(boolean fin, int rsv, int opcode, byte[] maskingKey, long payloadLength,
		LengthEncoding lengthEncoding) {

	/** §5.2: the first byte's most significant bit is FIN. */
	static final int FIN_BIT = 0x80;

	/** §5.2: the next three bits of the first byte are RSV1, RSV2 and RSV3. */
	static final int RSV_SHIFT = 4;

	/** §5.2: the first byte's low four bits are the opcode. */
	static final int OPCODE_BITS = 0x0F;

	/** §5.2: the second byte's most significant bit is MASK. */
	static final int MASK_BIT = 0x80;

	/** §5.2: the second byte's low seven bits are the payload length, or 126 or 127. */
	static final int LENGTH_BITS = 0x7F;

	/** §5.2: FIN, RSV, opcode, MASK and the 7-bit length take two bytes. */
	static final int BASE_BYTES = 2;

	/** §5.3: a masking key is 32 bits. */
	static final int MASKING_KEY_BYTES = 4;

	public FrameHeader {
		maskingKey = (maskingKey != null) ? maskingKey.clone() : null;
	}

	public boolean masked() {
		return this.maskingKey != null;
	}

	@Override
	public byte[] maskingKey() {
		return (this.maskingKey != null) ? this.maskingKey.clone() : null;
	}

	/**
	 * @return how many bytes this header takes on the wire: 2 to 14
	 */
	public int size() {
		return BASE_BYTES + this.lengthEncoding.extendedBytes() + (masked() ? MASKING_KEY_BYTES : 0);
	}

	/**
	 * @param payload the payload as it came on the wire (masked when masked)
	 * @return the frame of this header and that payload, unmasked (§5.3)
	 */
	Frame frame(byte[] payload) {
		byte[] unmasked = masked() ? Masking.apply(this.maskingKey, payload) : payload;
		return new Frame(this.fin, this.rsv, this.opcode, this.maskingKey, unmasked, this.lengthEncoding);
	}

	/**
	 * Reads a header from the start of what has arrived.
	 * @param bytes a buffer
	 * @param offset where the header starts
	 * @param available how many bytes have arrived from {@code offset} on
	 * @return the header, or {@code null} when it is not complete yet
	 * @throws FailConnectionException 1002 when a 64-bit length has its most significant
	 * bit set (§5.2)
	 */
	static FrameHeader parse(byte[] bytes, int offset, int available) throws FailConnectionException {
		if (available < BASE_BYTES) {
			return null;
		}
		int b0 = bytes[offset] & 0xFF;
		int b1 = bytes[offset + 1] & 0xFF;
		boolean masked = (b1 & MASK_BIT) != 0;
		LengthEncoding encoding = LengthEncoding.announcedBy(b1 & LENGTH_BITS);
		int extended = encoding.extendedBytes();
		if (available < BASE_BYTES + extended + (masked ? MASKING_KEY_BYTES : 0)) {
			return null;
		}
		long length = b1 & LENGTH_BITS;
		if (extended > 0) {
			length = 0;
			for (int i = 0; i < extended; i++) {
				length = (length << 8) | (bytes[offset + BASE_BYTES + i] & 0xFF);
			}
			if (length < 0) {
				throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
						"64-bit payload length with its most significant bit set (RFC 6455 §5.2)");
			}
		}
		byte[] key = null;
		if (masked) {
			int from = offset + BASE_BYTES + extended;
			key = Arrays.copyOfRange(bytes, from, from + MASKING_KEY_BYTES);
		}
		return new FrameHeader((b0 & FIN_BIT) != 0, (b0 >> RSV_SHIFT) & 0x7, b0 & OPCODE_BITS, key, length, encoding);
	}

	/**
	 * @param secondByte a header's second byte
	 * @return how many bytes the header takes, as that byte says
	 */
	static int sizeAnnouncedBy(int secondByte) {
		boolean masked = (secondByte & MASK_BIT) != 0;
		return BASE_BYTES + LengthEncoding.announcedBy(secondByte & LENGTH_BITS).extendedBytes()
				+ (masked ? MASKING_KEY_BYTES : 0);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof FrameHeader that && this.fin == that.fin && this.rsv == that.rsv
				&& this.opcode == that.opcode && Arrays.equals(this.maskingKey, that.maskingKey)
				&& this.payloadLength == that.payloadLength && this.lengthEncoding == that.lengthEncoding;
	}

	@Override
	public int hashCode() {
		return 31 * (31 * Long.hashCode(this.payloadLength) + Arrays.hashCode(this.maskingKey)) + this.opcode;
	}

	@Override
	public String toString() {
		return "FrameHeader[fin=" + this.fin + ", rsv=" + this.rsv + ", opcode=" + Opcode.name(this.opcode)
				+ ", masked=" + masked() + ", payloadLength=" + this.payloadLength + ", lengthEncoding="
				+ this.lengthEncoding.label() + "]";
	}

}
