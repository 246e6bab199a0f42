package io.pushlab.rfc6455;

/**
 * Writes frames in the base framing protocol, RFC 6455 §5.2, and reads one frame from
 * bytes already in memory; a stream that arrives in pieces is read with a
 * {@link FrameDecoder}. Stateless and thread-safe. Reading checks only what the bytes
 * themselves can get wrong (truncation, bytes left over, a 64-bit length with its top bit
 * set); what a frame means (masking, reserved bits and opcodes, control frame rules,
 * fragmentation) is for the endpoint to judge.
 */
public final class FrameCodec {

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
		FrameDecoder decoder = new FrameDecoder();
		try {
			decoder.append(bytes, 0, bytes.length);
			Frame frame = decoder.next();
			if (frame == null) {
				throw new MalformedFrameException(decoder.incomplete());
			}
			int extra = decoder.buffered();
			if (extra > 0) {
				throw new MalformedFrameException(
						extra + ((extra == 1) ? " byte" : " bytes") + " after the end of the frame (the frame takes "
								+ (bytes.length - extra) + " of " + bytes.length + "); decode one frame at a time");
			}
			return frame;
		}
		catch (FailConnectionException ex) {
			throw new MalformedFrameException(ex.getMessage());
		}
	}

}
