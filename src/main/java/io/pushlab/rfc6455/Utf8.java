package io.pushlab.rfc6455;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 as RFC 6455 §5.6 and §8.1 want it: text payloads must be valid UTF-8. */
final class Utf8 {

	private Utf8() {
	}

	/**
	 * @param bytes the bytes
	 * @return the text
	 * @throws CharacterCodingException when the bytes are not valid UTF-8 (overlong
	 * forms, surrogates and truncated sequences included)
	 */
	static String decodeStrict(byte[] bytes) throws CharacterCodingException {
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(ByteBuffer.wrap(bytes))
			.toString();
	}

	/**
	 * @param bytes the bytes
	 * @return the text, with U+FFFD for what is not valid UTF-8
	 */
	static String decodeLenient(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
