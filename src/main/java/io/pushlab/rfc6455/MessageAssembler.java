package io.pushlab.rfc6455;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Joins the data frames of one connection into messages, RFC 6455 §5.4, and checks what
 * the rules of fragmentation and text demand. Control frames may come between the
 * fragments of a message (§5.4); the endpoint answers them and does not give them here.
 * Text is checked as UTF-8 fragment by fragment (§8.1): a character may be split across
 * fragments, and a wrong byte fails the connection in the fragment that carries it. Not
 * thread-safe: one per connection, used by its reader.
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

	/** A buffer grown past this is given back after its message. */
	private static final int KEEP_BUFFER = 64 * 1024;

	private final int maxMessageBytes;

	private final Utf8Validator utf8 = new Utf8Validator();

	private Frame first;

	private int fragments;

	private ByteArrayOutputStream payload = new ByteArrayOutputStream();

	/**
	 * @param maxMessageBytes the largest message; a larger one fails with 1009
	 */
	public MessageAssembler(int maxMessageBytes) {
		this.maxMessageBytes = maxMessageBytes;
	}

	/**
	 * Judges a data frame by its header, before its payload is read: whether it may come
	 * now and whether the message would still fit. Control frames always may.
	 * @param header the header of the next frame
	 * @throws FailConnectionException as {@link #accept(Frame)} would, without the
	 * payload
	 */
	public void admit(FrameHeader header) throws FailConnectionException {
		if (!Opcode.isControl(header.opcode())) {
			checkSequence(header.opcode());
			checkRoom(header.payloadLength());
		}
	}

	/**
	 * Takes the next data frame.
	 * @param frame a text, binary or continuation frame
	 * @return the message this frame completes, or {@code null} when more fragments are
	 * to come
	 * @throws FailConnectionException 1002 for a continuation with nothing to continue,
	 * or a new message before the last one ended (§5.4); 1009 for a message over the
	 * limit; 1007 for text that is not valid UTF-8 (§8.1), also when a fragment ends the
	 * message in the middle of a character
	 */
	public Message accept(Frame frame) throws FailConnectionException {
		if (Opcode.isControl(frame.opcode())) {
			throw new IllegalArgumentException("not a data frame: " + frame);
		}
		checkSequence(frame.opcode());
		checkRoom(frame.payloadLength());
		if (frame.opcode() != Opcode.CONTINUATION) {
			this.first = frame;
			this.utf8.reset();
		}
		byte[] bytes = frame.payload();
		boolean text = this.first.opcode() == Opcode.TEXT;
		if (text && !this.utf8.accept(bytes)) {
			throw new FailConnectionException(CloseCode.INVALID_PAYLOAD,
					"text message is not valid UTF-8 (RFC 6455 §8.1), in fragment " + (this.fragments + 1));
		}
		this.payload.writeBytes(bytes);
		this.fragments++;
		if (!frame.fin()) {
			return null;
		}
		if (text && !this.utf8.isComplete()) {
			throw new FailConnectionException(CloseCode.INVALID_PAYLOAD,
					"text message ends inside a UTF-8 character (RFC 6455 §8.1)");
		}
		return complete(text);
	}

	/**
	 * @return whether a fragmented message has begun and not ended
	 */
	public boolean inMessage() {
		return this.first != null;
	}

	private void checkSequence(int opcode) throws FailConnectionException {
		if (opcode == Opcode.CONTINUATION) {
			if (this.first == null) {
				throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
						"continuation frame with no message to continue (RFC 6455 §5.4)");
			}
		}
		else if (opcode == Opcode.TEXT || opcode == Opcode.BINARY) {
			if (this.first != null) {
				throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
						"new message before the fragmented one ended (RFC 6455 §5.4)");
			}
		}
		else {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
					"reserved opcode 0x" + Integer.toHexString(opcode) + " (RFC 6455 §5.2)");
		}
	}

	private void checkRoom(long length) throws FailConnectionException {
		long size = (this.first != null) ? this.payload.size() : 0;
		if (size + length > this.maxMessageBytes) {
			throw new FailConnectionException(CloseCode.MESSAGE_TOO_BIG,
					"message over the limit of " + this.maxMessageBytes + " bytes (RFC 6455 §7.4.1)");
		}
	}

	private Message complete(boolean text) {
		Frame start = this.first;
		int count = this.fragments;
		byte[] bytes = this.payload.toByteArray();
		this.first = null;
		this.fragments = 0;
		this.payload = (bytes.length > KEEP_BUFFER) ? new ByteArrayOutputStream() : this.payload;
		this.payload.reset();
		return new Message(start, count, bytes.length, text ? new String(bytes, StandardCharsets.UTF_8) : null);
	}

}
