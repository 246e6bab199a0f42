package io.pushlab.rfc6455;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and writes frames in the base framing protocol, RFC 6455 §5.2. Stateless and
 * thread-safe. Reading checks only what the bytes themselves can get wrong (truncation, a
 * 64-bit length with its top bit set, a size limit); what a frame means (masking,
 * reserved bits and opcodes, control frame rules, fragmentation) is for the endpoint to
 * judge.
 */
public final class FrameCodec {

	/** §5.2: the first header byte's FIN bit. */
	private static final int FIN = 0x80;

	/** §5.2: the second header byte's MASK bit. */
	private static final int MASK = 0x80;

	private FrameCodec() {
	}

	/**
	 * @param frame a frame
	 * @return its bytes on the wire: header, then the (masked) payload
	 */
	public static byte[] encode(Frame frame) {
		byte[] header = frame.header();
		byte[] payload = frame.wirePayload();
		byte[] bytes = new byte[header.length + payload.length];
		System.arraycopy(header, 0, bytes, 0, header.length);
		System.arraycopy(payload, 0, bytes, header.length, payload.length);
		return bytes;
	}

	/**
	 * Decodes bytes that hold exactly one frame.
	 * @param bytes the bytes
	 * @return the frame
	 * @throws MalformedFrameException when the bytes are not exactly one frame: truncated
	 * header or payload, bytes after the frame, a 64-bit length with its top bit set
	 */
	public static Frame decode(byte[] bytes) throws MalformedFrameException {
		ByteArrayInputStream in = new ByteArrayInputStream(bytes);
		try {
			Head head = readHead(in);
			if (head == null) {
				throw new MalformedFrameException("truncated header: a frame needs at least 2 bytes, got 0");
			}
			if (head.length > in.available()) {
				throw new MalformedFrameException(
						"truncated payload: the header announces " + head.length + " bytes, got " + in.available());
			}
			Frame frame = head.frame(in.readNBytes((int) head.length));
			int extra = in.available();
			if (extra > 0) {
				throw new MalformedFrameException(
						extra + ((extra == 1) ? " byte" : " bytes") + " after the end of the frame (the frame takes "
								+ (bytes.length - extra) + " of " + bytes.length + "); decode one frame at a time");
			}
			return frame;
		}
		catch (EOFException | FailConnectionException ex) {
			throw new MalformedFrameException(ex.getMessage());
		}
		catch (IOException ex) {
			throw new IllegalStateException("a byte array cannot fail to read", ex);
		}
	}

	/**
	 * Reads the next frame from a connection.
	 * @param in the connection's input
	 * @param maxPayload the largest payload accepted
	 * @return the frame, or {@code null} when the input ended before a new frame
	 * @throws EOFException when the input ends inside a frame
	 * @throws FailConnectionException 1009 when the payload is over {@code maxPayload};
	 * 1002 when a 64-bit length has its top bit set
	 * @throws IOException when reading fails
	 */
	public static Frame read(InputStream in, int maxPayload) throws IOException, FailConnectionException {
		Head head = readHead(in);
		if (head == null) {
			return null;
		}
		if (head.length > maxPayload) {
			throw new FailConnectionException(CloseCode.MESSAGE_TOO_BIG,
					"frame of " + head.length + " bytes, over the limit of " + maxPayload);
		}
		byte[] payload = in.readNBytes((int) head.length);
		if (payload.length < head.length) {
			throw new EOFException(
					"truncated payload: the header announces " + head.length + " bytes, got " + payload.length);
		}
		return head.frame(payload);
	}

	private static Head readHead(InputStream in) throws IOException, FailConnectionException {
		int b0 = in.read();
		if (b0 < 0) {
			return null;
		}
		int b1 = in.read();
		if (b1 < 0) {
			throw new EOFException("truncated header: a frame needs at least 2 bytes, got 1");
		}
		boolean masked = (b1 & MASK) != 0;
		int length7 = b1 & 0x7F;
		LengthEncoding encoding = switch (length7) {
			case LengthEncoding.MARKER_16 -> LengthEncoding.SIXTEEN_BIT;
			case LengthEncoding.MARKER_64 -> LengthEncoding.SIXTY_FOUR_BIT;
			default -> LengthEncoding.SEVEN_BIT;
		};
		int rest = encoding.extendedBytes() + (masked ? 4 : 0);
		byte[] tail = in.readNBytes(rest);
		if (tail.length < rest) {
			throw new EOFException("truncated header: with " + describe(encoding, masked) + " the header takes "
					+ (2 + rest) + " bytes, got " + (2 + tail.length));
		}
		long length = length7;
		if (encoding != LengthEncoding.SEVEN_BIT) {
			length = 0;
			for (int i = 0; i < encoding.extendedBytes(); i++) {
				length = (length << 8) | (tail[i] & 0xFF);
			}
			if (length < 0) {
				throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
						"64-bit payload length with its most significant bit set (RFC 6455 §5.2)");
			}
		}
		byte[] key = null;
		if (masked) {
			key = new byte[4];
			System.arraycopy(tail, encoding.extendedBytes(), key, 0, 4);
		}
		return new Head((b0 & FIN) != 0, (b0 >> 4) & 0x7, b0 & 0xF, key, length, encoding);
	}

	private static String describe(LengthEncoding encoding, boolean masked) {
		String length = (encoding != LengthEncoding.SEVEN_BIT) ? "a " + encoding.label() + " length" : "a 7-bit length";
		return masked ? length + " and a masking key" : length;
	}

	private record Head(boolean fin, int rsv, int opcode, byte[] maskingKey, long length,
			LengthEncoding lengthEncoding) {

		Frame frame(byte[] wirePayload) {
			byte[] payload = (this.maskingKey != null) ? Masking.apply(this.maskingKey, wirePayload) : wirePayload;
			return new Frame(this.fin, this.rsv, this.opcode, this.maskingKey, payload, this.lengthEncoding);
		}

	}

}
