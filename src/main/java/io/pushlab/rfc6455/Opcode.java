package io.pushlab.rfc6455;

/**
 * Frame opcodes, RFC 6455 §5.2 and §11.8. Opcodes 0x3-0x7 and 0xB-0xF are reserved; a
 * frame carrying one fails the connection (1002).
 */
public final class Opcode {

	/** §5.4: a fragment after the first one of a message. */
	public static final int CONTINUATION = 0x0;

	/** §5.6: UTF-8 text. */
	public static final int TEXT = 0x1;

	/** §5.6: binary data. */
	public static final int BINARY = 0x2;

	/** §5.5.1: close; an optional 2-byte status code and a UTF-8 reason. */
	public static final int CLOSE = 0x8;

	/** §5.5.2: ping; answered with a pong carrying the same payload. */
	public static final int PING = 0x9;

	/** §5.5.3: pong. */
	public static final int PONG = 0xA;

	/**
	 * §5.5: a control frame's payload is at most 125 bytes, and it is never fragmented.
	 */
	public static final int MAX_CONTROL_PAYLOAD = 125;

	private Opcode() {
	}

	/**
	 * @param opcode a 4-bit opcode
	 * @return whether RFC 6455 defines it (not reserved)
	 */
	public static boolean isDefined(int opcode) {
		return opcode == CONTINUATION || opcode == TEXT || opcode == BINARY || opcode == CLOSE || opcode == PING
				|| opcode == PONG;
	}

	/**
	 * §5.5: control frames have the most significant opcode bit set.
	 * @param opcode a 4-bit opcode
	 * @return whether it is a control opcode
	 */
	public static boolean isControl(int opcode) {
		return (opcode & 0x8) != 0;
	}

	/**
	 * @param opcode a 4-bit opcode
	 * @return its name: {@code text}, {@code close}, ... or {@code reserved}
	 */
	public static String name(int opcode) {
		return switch (opcode) {
			case CONTINUATION -> "continuation";
			case TEXT -> "text";
			case BINARY -> "binary";
			case CLOSE -> "close";
			case PING -> "ping";
			case PONG -> "pong";
			default -> "reserved";
		};
	}

}
