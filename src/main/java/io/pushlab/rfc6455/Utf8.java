package io.pushlab.rfc6455;

import java.nio.charset.StandardCharsets;

/** UTF-8 as RFC 6455 §5.6 and §8.1 want it: text payloads must be valid UTF-8. */
final class Utf8 {

	private Utf8() {
	}

	/**
	 * @param bytes the bytes
	 * @return whether they are valid UTF-8, whole characters only
	 */
	static boolean isValid(byte[] bytes) {
		Utf8Validator validator = new Utf8Validator();
		return validator.accept(bytes) && validator.isComplete();
	}

	/**
	 * @param bytes the bytes
	 * @return the text, with U+FFFD for what is not valid UTF-8
	 */
	static String decodeLenient(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
