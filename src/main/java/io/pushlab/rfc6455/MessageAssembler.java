package io.pushlab.rfc6455;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;

/**
 * Joins the data frames of one connection into messages, RFC 6455 §5.4, and checks what
 * the rules of fragmentation and text demand. Control frames, which may come between
 * fragments, are not given to it. Not thread-safe: one per connection, used by its
 * reader.
 */
public final class MessageAssembler {

	/**
	 * A complete message.
	 *
	 * @param first its first frame
	 * @param fragments how many frames carried it
	 * @param length its payload length, all fragments together
	 * @param text its text, {@code null} for a binary message
	 */
	public record Message(Frame first, int fragments, int length, String text) {

		/**
		 * @return the message described by its first frame, with the whole text
		 */
		public FrameDescription describe() {
			return FrameDescription.ofMessage(this.first, this.fragments, this.text);
		}

	}

	private final int maxMessageBytes;

	private Frame first;

	private int fragments;

	private final ByteArrayOutputStream payload = new ByteArrayOutputStream();

	/**
	 * @param maxMessageBytes the largest message; a larger one fails with 1009
	 */
	public MessageAssembler(int maxMessageBytes) {
		this.maxMessageBytes = maxMessageBytes;
	}

	/**
	 * Takes the next data frame.
	 * @param frame a text, binary or continuation frame
	 * @return the message this frame completes, or {@code null} when more fragments are
	 * to come
	 * @throws FailConnectionException 1002 for a continuation with nothing to continue,
	 * or a new message before the last one ended (§5.4); 1009 for a message over the
	 * limit; 1007 for text that is not valid UTF-8 (§8.1)
	 */
	public Message accept(Frame frame) throws FailConnectionException {
		if (frame.opcode() == Opcode.CONTINUATION) {
			if (this.first == null) {
				throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
						"continuation frame with no message to continue (RFC 6455 §5.4)");
			}
		}
		else if (frame.opcode() == Opcode.TEXT || frame.opcode() == Opcode.BINARY) {
			if (this.first != null) {
				throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
						"new message before the fragmented one ended (RFC 6455 §5.4)");
			}
			this.first = frame;
		}
		else {
			throw new IllegalArgumentException("not a data frame: " + frame);
		}
		if ((long) this.payload.size() + frame.payloadLength() > this.maxMessageBytes) {
			throw new FailConnectionException(CloseCode.MESSAGE_TOO_BIG,
					"message over the limit of " + this.maxMessageBytes + " bytes");
		}
		this.payload.writeBytes(frame.payload());
		this.fragments++;
		return frame.fin() ? complete() : null;
	}

	private Message complete() throws FailConnectionException {
		Frame start = this.first;
		int count = this.fragments;
		byte[] bytes = this.payload.toByteArray();
		this.first = null;
		this.fragments = 0;
		this.payload.reset();
		String text = null;
		if (start.opcode() == Opcode.TEXT) {
			try {
				text = Utf8.decodeStrict(bytes);
			}
			catch (CharacterCodingException ex) {
				throw new FailConnectionException(CloseCode.INVALID_PAYLOAD, "text message is not valid UTF-8");
			}
		}
		return new Message(start, count, bytes.length, text);
	}

}
