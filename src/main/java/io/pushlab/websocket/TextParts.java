package io.pushlab.websocket;

/**
 * Joins the parts of one client text message, as the container hands them over: the
 * handler takes partial messages so that the container's per-connection message buffers
 * stay small (a few KB, not {@code max-message-bytes} of chars and bytes allocated at
 * every handshake). The whole message, counted in UTF-8 bytes, may be at most
 * {@code maxBytes}; a part that goes past it makes {@link #add} answer {@link #TOO_BIG}
 * and drops what was held. A message that comes in one part (the usual chat frame) is
 * returned as it is, without a copy. A binary message's parts are counted against the
 * same limit ({@link #addBinary}). Not thread-safe: the container delivers one
 * connection's messages one at a time.
 */
final class TextParts {

	/** What {@link #add} answers when the message is over the limit. */
	static final String TOO_BIG = new String("too big");

	private final int maxBytes;

	private StringBuilder held;

	private long heldBytes;

	/** Bytes of the binary message under way. */
	private long binaryBytes;

	/**
	 * @param maxBytes the largest whole message, in UTF-8 bytes
	 */
	TextParts(int maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * @param part the next part of the message
	 * @param last whether it ends the message
	 * @return the whole message when {@code last}, {@code null} while parts are missing,
	 * or {@link #TOO_BIG} (compare by identity) when the message is over the limit
	 */
	String add(String part, boolean last) {
		long bytes = this.heldBytes + utf8Length(part);
		if (bytes > this.maxBytes) {
			this.held = null;
			this.heldBytes = 0;
			return TOO_BIG;
		}
		if (last && this.held == null) {
			return part;
		}
		if (this.held == null) {
			this.held = new StringBuilder(Math.max(part.length() * 2, 256));
		}
		this.held.append(part);
		if (!last) {
			this.heldBytes = bytes;
			return null;
		}
		String whole = this.held.toString();
		this.held = null;
		this.heldBytes = 0;
		return whole;
	}

	/** Where a binary message stands after one of its parts. */
	enum Binary {

		/** More parts are to come. */
		MORE,
		/** The whole message has come, within the limit. */
		WHOLE,
		/** The message is over the limit. */
		TOO_BIG

	}

	/**
	 * Counts a part of a binary message against the same limit; its bytes are never kept
	 * (the chat protocol is JSON text, so a binary message is only answered).
	 * @param bytes the part's length
	 * @param last whether it ends the message
	 * @return where the message stands
	 */
	Binary addBinary(int bytes, boolean last) {
		long total = this.binaryBytes + bytes;
		if (total > this.maxBytes) {
			this.binaryBytes = 0;
			return Binary.TOO_BIG;
		}
		this.binaryBytes = last ? 0 : total;
		return last ? Binary.WHOLE : Binary.MORE;
	}

	/**
	 * @param text some text (a part may end or start between the halves of a surrogate
	 * pair: each half counts two bytes, the pair four)
	 * @return its length in UTF-8 bytes
	 */
	static long utf8Length(CharSequence text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800 || Character.isSurrogate(c)) {
				bytes += 2;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
