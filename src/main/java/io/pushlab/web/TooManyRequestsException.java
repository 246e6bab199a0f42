package io.pushlab.web;

/**
 * A request refused because a bound is reached (too many at once, too many queues...);
 * answered with a 429 problem carrying {@code Retry-After}, and counted in
 * {@code pushlab.rejected} under its reason.
 */
public class TooManyRequestsException extends RuntimeException {

	private final String reason;

	private final long retryAfterSeconds;

	/**
	 * @param reason the {@code pushlab.rejected} reason, e.g. {@code lab_busy}
	 * @param detail the problem's detail, {@code "field: message"}
	 * @param retryAfterSeconds the {@code Retry-After} value, at least 1
	 */
	public TooManyRequestsException(String reason, String detail, long retryAfterSeconds) {
		super(detail, null, false, false);
		this.reason = reason;
		this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
	}

	public String reason() {
		return this.reason;
	}

	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
