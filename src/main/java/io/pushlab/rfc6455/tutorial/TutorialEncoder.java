package io.pushlab.rfc6455.tutorial;

/**
 * The classic tutorial's frame encoder, bug included: it takes the 16-bit length form
 * only for a payload of exactly 126 bytes, and the 64-bit form for every longer one,
 * where RFC 6455 §5.2 wants the 16-bit form up to 65,535 bytes. Stateless.
 *
 * <pre>
 * if length &lt; 126:    token += struct.pack("B", length)
 * elif length == 126: token += struct.pack("!BH", 126, length)
 * else:               token += struct.pack("!BQ", 127, length)
 * </pre>
 */
public final class TutorialEncoder {

	/** The tutorial's first byte: FIN and the text opcode, {@code b"\x81"}. */
	static final int FIN_TEXT = 0x81;

	private TutorialEncoder() {
	}

	/**
	 * @param length a payload length, 0 or more
	 * @return the header the tutorial writes for an unmasked text frame of that length
	 */
	public static byte[] header(long length) {
		if (length < 0) {
			throw new IllegalArgumentException("a length is 0 or more: " + length);
		}
		if (length < 126) {
			return new byte[] { (byte) FIN_TEXT, (byte) length };
		}
		if (length == 126) {
			return new byte[] { (byte) FIN_TEXT, 126, 0, 126 };
		}
		byte[] header = new byte[10];
		header[0] = (byte) FIN_TEXT;
		header[1] = 127;
		for (int i = 0; i < 8; i++) {
			header[2 + i] = (byte) (length >>> (8 * (7 - i)));
		}
		return header;
	}

}
