package io.pushlab.loadlab;

import java.util.Arrays;

/**
 * An HTTP error answer to a stream or handshake request (SSE, WebSocket): its status and
 * the first {@link #MAX_BODY} bytes of its body, read so the error's cause can name the
 * server's reason ({@link Tracker#httpCause}). Loop thread only.
 */
final class ErrorAnswer {

	/** Body bytes kept; a problem+json body fits. */
	static final int MAX_BODY = 4096;

	private final int status;

	private byte[] body = new byte[512];

	private int length;

	ErrorAnswer(int status) {
		this.status = status;
	}

	/** Keeps body bytes, up to {@link #MAX_BODY}. */
	void body(byte[] bytes, int offset, int count) {
		int keep = Math.min(count, MAX_BODY - this.length);
		if (keep <= 0) {
			return;
		}
		if (this.length + keep > this.body.length) {
			this.body = Arrays.copyOf(this.body,
					Math.min(MAX_BODY, Math.max(this.body.length * 2, this.length + keep)));
		}
		System.arraycopy(bytes, offset, this.body, this.length, keep);
		this.length += keep;
	}

	/**
	 * The cause: {@code HTTP <status>} and the problem {@code detail} when there is one.
	 */
	String cause() {
		return Tracker.httpCause(this.status, this.body, this.length);
	}

}
