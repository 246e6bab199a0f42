package io.pushlab.rfc6455;

/**
 * How a frame header carries its payload length, RFC 6455 §5.2: in the 7 bits of the
 * second byte (0-125), or 126 followed by a 16-bit length, or 127 followed by a 64-bit
 * length whose most significant bit is 0.
 */
public enum LengthEncoding {

	SEVEN_BIT("7-bit", "the 7 bits of byte 1", 0, 125), SIXTEEN_BIT("16-bit", "7e and a 16-bit length", 2, 0xFFFF),
	SIXTY_FOUR_BIT("64-bit", "7f and a 64-bit length", 8, Long.MAX_VALUE);

	/** §5.2: the 7-bit length value that announces a 16-bit extended length. */
	static final int MARKER_16 = 126;

	/** §5.2: the 7-bit length value that announces a 64-bit extended length. */
	static final int MARKER_64 = 127;

	private final String label;

	private final String form;

	private final int extendedBytes;

	private final long maxLength;

	LengthEncoding(String label, String form, int extendedBytes, long maxLength) {
		this.label = label;
		this.form = form;
		this.extendedBytes = extendedBytes;
		this.maxLength = maxLength;
	}

	/** The contract's name: {@code 7-bit}, {@code 16-bit} or {@code 64-bit}. */
	public String label() {
		return this.label;
	}

	/** How the form looks on the wire, e.g. {@code 7e and a 16-bit length}. */
	public String form() {
		return this.form;
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

	/**
	 * Why a length carried in this form breaks §5.2, when it does.
	 * @param length the payload length the form carries
	 * @return {@code null} when this is the shortest form for the length, else what the
	 * sender should have written
	 */
	public String minimalityNote(long length) {
		LengthEncoding minimal = minimalFor(length);
		if (minimal == this) {
			return null;
		}
		return "not minimal: " + length + ((length == 1) ? " byte fits " : " bytes fit ") + minimal.form
				+ ", but this frame uses " + this.form
				+ "; RFC 6455 §5.2: \"the minimal number of bytes MUST be used to encode the length\"";
	}

}
