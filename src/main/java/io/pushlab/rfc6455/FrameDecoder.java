package io.pushlab.rfc6455;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decodes frames, RFC 6455 §5.2, from a byte stream that arrives in pieces of any size: a
 * piece may end inside a header or a payload, or hold several frames. {@link #append}
 * what was read, then take frames with {@link #next()} until it returns {@code null}.
 * Each header goes through a {@link HeaderCheck} as soon as it is complete, before any of
 * its payload is buffered, so a network endpoint never holds more than its check lets
 * through. Not thread-safe: one per connection, used by its reader.
 */
public final class FrameDecoder {

	/**
	 * Judges a header before its payload is read: throw to refuse the frame.
	 */
	@FunctionalInterface
	public interface HeaderCheck {

		/** Lets every header through: for bytes that are already in memory. */
		HeaderCheck NONE = (header) -> {
		};

		/**
		 * @param header a complete header
		 * @throws FailConnectionException to refuse the frame and fail the connection
		 */
		void check(FrameHeader header) throws FailConnectionException;

	}

	/** The most bytes an array holds. */
	private static final int MAX_BUFFER = Integer.MAX_VALUE - 8;

	/** A buffer grown past this is given back once it is empty. */
	private static final int KEEP_BUFFER = 64 * 1024;

	private static final int INITIAL_BUFFER = 256;

	private final HeaderCheck check;

	private byte[] buffer = new byte[INITIAL_BUFFER];

	/** The first byte not yet decoded. */
	private int start;

	/** One past the last byte appended. */
	private int end;

	/** The header of the frame being received, once complete and checked. */
	private FrameHeader pending;

	/**
	 * A decoder that lets every header through; fine for bytes already in memory, not for
	 * a network stream (nothing would limit what it buffers).
	 */
	public FrameDecoder() {
		this(HeaderCheck.NONE);
	}

	/**
	 * @param check judges each header before its payload is buffered
	 */
	public FrameDecoder(HeaderCheck check) {
		this.check = Objects.requireNonNull(check, "check");
	}

	/**
	 * Adds bytes that arrived.
	 * @param bytes a buffer
	 * @param offset where the new bytes start
	 * @param length how many there are; 0 is fine
	 * @throws FailConnectionException 1009 when the bytes held would be more than an
	 * array can hold
	 */
	public void append(byte[] bytes, int offset, int length) throws FailConnectionException {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		if (length > this.buffer.length - this.end) {
			makeRoom(length);
		}
		System.arraycopy(bytes, offset, this.buffer, this.end, length);
		this.end += length;
	}

	/**
	 * Decodes the next frame from the bytes appended so far.
	 * @return the frame (unmasked), or {@code null} when its bytes have not all arrived
	 * yet ({@link #incomplete()} says what is missing)
	 * @throws FailConnectionException when the check refuses the header, or (1002) a
	 * 64-bit length has its most significant bit set
	 */
	public Frame next() throws FailConnectionException {
		if (this.pending == null) {
			FrameHeader header = FrameHeader.parse(this.buffer, this.start, buffered());
			if (header == null) {
				return null;
			}
			this.check.check(header);
			this.pending = header;
		}
		int headerSize = this.pending.size();
		if (buffered() - headerSize < this.pending.payloadLength()) {
			return null;
		}
		int payloadStart = this.start + headerSize;
		int payloadEnd = payloadStart + (int) this.pending.payloadLength();
		Frame frame = this.pending.frame(Arrays.copyOfRange(this.buffer, payloadStart, payloadEnd));
		this.pending = null;
		this.start = payloadEnd;
		if (this.start == this.end) {
			this.start = 0;
			this.end = 0;
			if (this.buffer.length > KEEP_BUFFER) {
				this.buffer = new byte[INITIAL_BUFFER];
			}
		}
		return frame;
	}

	/**
	 * Appends bytes and decodes every frame they complete.
	 * @param bytes the bytes that arrived
	 * @return the frames completed, in order; maybe none
	 * @throws FailConnectionException as {@link #append} and {@link #next()} do
	 */
	public List<Frame> feed(byte[] bytes) throws FailConnectionException {
		append(bytes, 0, bytes.length);
		List<Frame> frames = new ArrayList<>();
		Frame frame;
		while ((frame = next()) != null) {
			frames.add(frame);
		}
		return frames;
	}

	/**
	 * @return bytes appended but not yet decoded into a frame
	 */
	public int buffered() {
		return this.end - this.start;
	}

	/**
	 * Why {@link #next()} has no frame to give: what the frame begun in the buffer still
	 * lacks.
	 * @return e.g. {@code truncated payload: the header announces 5 bytes, got 2}
	 */
	public String incomplete() {
		int buffered = buffered();
		if (buffered < FrameHeader.BASE_BYTES) {
			return "truncated header: a frame needs at least 2 bytes, got " + buffered;
		}
		int second = this.buffer[this.start + 1] & 0xFF;
		int headerSize = FrameHeader.sizeAnnouncedBy(second);
		if (buffered < headerSize) {
			LengthEncoding encoding = LengthEncoding.announcedBy(second & FrameHeader.LENGTH_BITS);
			String length = "a " + encoding.label() + " length";
			String what = ((second & FrameHeader.MASK_BIT) != 0) ? length + " and a masking key" : length;
			return "truncated header: with " + what + " the header takes " + headerSize + " bytes, got " + buffered;
		}
		FrameHeader header = this.pending;
		if (header == null) {
			try {
				header = FrameHeader.parse(this.buffer, this.start, buffered);
			}
			catch (FailConnectionException ex) {
				return ex.getMessage();
			}
		}
		return "truncated payload: the header announces " + header.payloadLength() + " bytes, got "
				+ (buffered - headerSize);
	}

	private void makeRoom(int length) throws FailConnectionException {
		int held = buffered();
		if ((long) held + length > MAX_BUFFER) {
			throw new FailConnectionException(CloseCode.MESSAGE_TOO_BIG, "frame too big to hold in memory");
		}
		int needed = held + length;
		byte[] target = this.buffer;
		if (needed > this.buffer.length) {
			target = new byte[(int) Math.min(MAX_BUFFER, Math.max(needed, 2L * this.buffer.length))];
		}
		System.arraycopy(this.buffer, this.start, target, 0, held);
		this.buffer = target;
		this.start = 0;
		this.end = held;
	}

}
