package io.pushlab.rfc6455.tutorial;

import java.util.Arrays;

import io.pushlab.rfc6455.Frame;
import io.pushlab.rfc6455.FrameCodec;
import io.pushlab.rfc6455.FrameDescription;
import io.pushlab.rfc6455.MalformedFrameException;
import io.pushlab.rfc6455.Opcode;

/**
 * The tutorial's length encoding next to PushLab's, for one payload length: both frames
 * are built, then read back by the real {@link FrameCodec}, which flags a length that is
 * not in its shortest form (RFC 6455 §5.2). Stateless.
 */
public final class LengthForms {

	/**
	 * One encoder's frame, as the real decoder read it.
	 *
	 * @param headerHex the header bytes, in hex
	 * @param lengthEncoding the form used: {@code 7-bit}, {@code 16-bit} or
	 * {@code 64-bit}
	 * @param decodedLength the payload length the decoder read
	 * @param lengthNote why the form breaks §5.2, {@code null} when it is the shortest
	 */
	public record Encoded(String headerHex, String lengthEncoding, long decodedLength, String lengthNote) {

		static Encoded decode(byte[] header, byte[] payload) {
			byte[] bytes = Arrays.copyOf(header, header.length + payload.length);
			System.arraycopy(payload, 0, bytes, header.length, payload.length);
			try {
				FrameDescription frame = FrameDescription.of(FrameCodec.decode(bytes));
				return new Encoded(frame.headerHex(), frame.lengthEncoding(), frame.payloadLength(),
						frame.lengthNote());
			}
			catch (MalformedFrameException ex) {
				throw new IllegalStateException("both encoders write whole frames", ex);
			}
		}

	}

	/**
	 * @param length the payload length
	 * @param tutorial the tutorial's frame
	 * @param pushlab PushLab's frame
	 */
	public record Comparison(int length, Encoded tutorial, Encoded pushlab) {
	}

	private LengthForms() {
	}

	/**
	 * @param length a payload length, 0 or more
	 * @return an unmasked text frame of that many bytes from each encoder, decoded
	 */
	public static Comparison compare(int length) {
		byte[] payload = new byte[length];
		Arrays.fill(payload, (byte) 'a');
		Encoded tutorial = Encoded.decode(TutorialEncoder.header(length), payload);
		Encoded pushlab = Encoded.decode(Frame.unmasked(Opcode.TEXT, payload).header(), payload);
		return new Comparison(length, tutorial, pushlab);
	}

}
