package io.pushlab.rfc6455;

/**
 * Checks UTF-8 as it arrives, RFC 6455 §8.1 with the byte ranges of RFC 3629 §4: bytes
 * may come in pieces that split a character anywhere (text fragments, §5.4), and a wrong
 * byte is reported in the piece where it arrives, not when the message ends. Rejects
 * overlong forms, surrogates (U+D800-U+DFFF) and code points over U+10FFFF. Not
 * thread-safe: one per message being received.
 */
final class Utf8Validator {

	/** Continuation bytes the current character still needs. */
	private int needed;

	/** The range the next continuation byte must fall in. */
	private int lower = 0x80;

	private int upper = 0xBF;

	private boolean failed;

	/**
	 * @param bytes the next piece of the text
	 * @return whether everything so far can still be (or be the start of) valid UTF-8
	 */
	boolean accept(byte[] bytes) {
		for (byte value : bytes) {
			if (this.failed || !accept(value & 0xFF)) {
				this.failed = true;
				return false;
			}
		}
		return !this.failed;
	}

	/**
	 * @return whether everything so far is valid UTF-8 that ends on a whole character
	 */
	boolean isComplete() {
		return !this.failed && this.needed == 0;
	}

	/** Starts over, for the next message. */
	void reset() {
		this.needed = 0;
		this.lower = 0x80;
		this.upper = 0xBF;
		this.failed = false;
	}

	private boolean accept(int b) {
		if (this.needed > 0) {
			if (b < this.lower || b > this.upper) {
				return false;
			}
			this.needed--;
			this.lower = 0x80;
			this.upper = 0xBF;
			return true;
		}
		if (b <= 0x7F) {
			return true;
		}
		// RFC 3629 §4: the lead byte fixes the length and the range of the second byte
		if (b >= 0xC2 && b <= 0xDF) {
			return expect(1, 0x80, 0xBF);
		}
		if (b == 0xE0) {
			return expect(2, 0xA0, 0xBF); // no overlong 3-byte forms
		}
		if (b == 0xED) {
			return expect(2, 0x80, 0x9F); // no surrogates
		}
		if (b >= 0xE1 && b <= 0xEF) {
			return expect(2, 0x80, 0xBF);
		}
		if (b == 0xF0) {
			return expect(3, 0x90, 0xBF); // no overlong 4-byte forms
		}
		if (b >= 0xF1 && b <= 0xF3) {
			return expect(3, 0x80, 0xBF);
		}
		if (b == 0xF4) {
			return expect(3, 0x80, 0x8F); // nothing over U+10FFFF
		}
		return false; // 0x80-0xC1 (a stray continuation or an overlong 2-byte form),
						// 0xF5-0xFF
	}

	private boolean expect(int continuations, int lower, int upper) {
		this.needed = continuations;
		this.lower = lower;
		this.upper = upper;
		return true;
	}

}
