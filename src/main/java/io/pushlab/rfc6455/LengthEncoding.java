package io.pushlab.rfc6455;

/**
 * How a frame header carries its payload length, RFC 6455 §5.2: in the 7 bits of the
 * second byte (0-125), or 126 followed by a 16-bit length, or 127 followed by a 64-bit
 * length whose most significant bit is 0.
 */
public enum LengthEncoding {

	SEVEN_BIT("7-bit", 0, 125), SIXTEEN_BIT("16-bit", 2, 0xFFFF), SIXTY_FOUR_BIT("64-bit", 8, Long.MAX_VALUE);

	/** §5.2: the 7-bit length value that announces a 16-bit extended length. */
	static final int MARKER_16 = 126;

	/** §5.2: the 7-bit length value that announces a 64-bit extended length. */
	static final int MARKER_64 = 127;

	private final String label;

	private final int extendedBytes;

	private final long maxLength;

	LengthEncoding(String label, int extendedBytes, long maxLength) {
		this.label = label;
		this.extendedBytes = extendedBytes;
		this.maxLength = maxLength;
	}

	/** The contract's name: {@code 7-bit}, {@code 16-bit} or {@code 64-bit}. */
	public String label() {
		return this.label;
	}

	/** Bytes of extended payload length after the second header byte. */
	public int extendedBytes() {
		return this.extendedBytes;
	}

	/**
	 * @param length a payload length
	 * @return whether this encoding can carry it
	 */
	public boolean canCarry(long length) {
		return length >= 0 && length <= this.maxLength;
	}

	/**
	 * §5.2: the second header byte's 7-bit length says which form follows.
	 * @param length7 the 7-bit length value, 0-127
	 * @return {@link #SIXTEEN_BIT} for 126, {@link #SIXTY_FOUR_BIT} for 127, else
	 * {@link #SEVEN_BIT} (the value is the length itself)
	 */
	public static LengthEncoding announcedBy(int length7) {
		return switch (length7) {
			case MARKER_16 -> SIXTEEN_BIT;
			case MARKER_64 -> SIXTY_FOUR_BIT;
			default -> SEVEN_BIT;
		};
	}

	/**
	 * §5.2: "the minimal number of bytes MUST be used to encode the length".
	 * @param length a payload length
	 * @return the shortest encoding that carries it
	 */
	public static LengthEncoding minimalFor(long length) {
		if (length <= SEVEN_BIT.maxLength) {
			return SEVEN_BIT;
		}
		return (length <= SIXTEEN_BIT.maxLength) ? SIXTEEN_BIT : SIXTY_FOUR_BIT;
	}

}
