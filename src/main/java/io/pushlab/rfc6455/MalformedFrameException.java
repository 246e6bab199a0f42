package io.pushlab.rfc6455;

/**
 * Bytes that do not hold exactly one well-formed frame; the message says what is wrong.
 */
public class MalformedFrameException extends Exception {

	public MalformedFrameException(String message) {
		super(message);
	}

}
