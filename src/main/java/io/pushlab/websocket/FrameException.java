package io.pushlab.websocket;

/**
 * A client frame the server refuses: answered with an {@code error} frame carrying the
 * code, a message naming the field at fault, and the frame's nonce; the connection stays
 * open.
 */
final class FrameException extends RuntimeException {

	private final ErrorCode code;

	private final String nonce;

	FrameException(ErrorCode code, String message, String nonce) {
		super(message, null, false, false);
		this.code = code;
		this.nonce = nonce;
	}

	ErrorCode code() {
		return this.code;
	}

	String nonce() {
		return this.nonce;
	}

}
