package io.pushlab.rfc6455.tutorial;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The classic tutorial's frame decoder, bugs included: it takes what one {@code recv}
 * returned as one whole frame. It looks only at the 7-bit length to find the masking key,
 * then unmasks everything to the end of the read as text. FIN, the opcode, the MASK bit
 * and the length itself are never used, so two frames in one read become one garbled
 * message, a frame split over two reads becomes two wrong ones, each fragment is a
 * message of its own, and a close frame is read as text. Stateless.
 *
 * <pre>
 * payload = msg[1] &amp; 127
 * if payload == 127: mask, data = msg[10:14], msg[14:]
 * if payload == 126: mask, data = msg[4:8], msg[8:]
 * if payload &lt;= 125: mask, data = msg[2:6], msg[6:]
 * str_byte = bytearray(data[i] ^ mask[i % 4] for i in range(len(data)))
 * print(str_byte.decode("utf8"))
 * </pre>
 */
public final class TutorialDecoder {

	/**
	 * What the tutorial's code makes of one read.
	 *
	 * @param unmaskedHex the bytes it unmasked, in hex ({@code null} when it raised
	 * before)
	 * @param text the text it took for a message, {@code null} when it raised
	 * @param error the exception its Python code raises, {@code null} when none
	 */
	public record Result(String unmaskedHex, String text, String error) {
	}

	private TutorialDecoder() {
	}

	/**
	 * @param read the bytes of one {@code recv}
	 * @return what the tutorial takes them for
	 */
	public static Result decode(byte[] read) {
		if (read.length < 2) {
			return new Result(null, null, "IndexError: index out of range (msg[1] of a " + read.length + "-byte read)");
		}
		int length7 = read[1] & 0x7F;
		int keyAt = switch (length7) {
			case 127 -> 10;
			case 126 -> 4;
			default -> 2;
		};
		byte[] mask = slice(read, keyAt, keyAt + 4);
		byte[] data = slice(read, keyAt + 4, read.length);
		byte[] unmasked = new byte[data.length];
		// data is not empty only when the read went past a whole masking key
		for (int i = 0; i < data.length; i++) {
			unmasked[i] = (byte) (data[i] ^ mask[i % 4]);
		}
		String hex = HexFormat.of().formatHex(unmasked);
		CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer buffer = ByteBuffer.wrap(unmasked);
		try {
			return new Result(hex, utf8.decode(buffer).toString(), null);
		}
		catch (CharacterCodingException ex) {
			int at = buffer.position();
			return new Result(hex, null, "UnicodeDecodeError: byte 0x" + HexFormat.of().toHexDigits(unmasked[at])
					+ " at position " + at + " is not valid UTF-8");
		}
	}

	/** Python's {@code msg[from:to]}: clipped to the bytes there are, never an error. */
	private static byte[] slice(byte[] bytes, int from, int to) {
		int start = Math.min(from, bytes.length);
		return Arrays.copyOfRange(bytes, start, Math.max(start, Math.min(to, bytes.length)));
	}

}
