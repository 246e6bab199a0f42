package io.pushlab.web;

/**
 * A request that conflicts with what someone else holds now (such as a {@code from} that
 * is another user's chat name); answered with a 409 problem naming the field, and counted
 * in {@code pushlab.rejected} under its reason.
 */
public class ConflictException extends RuntimeException {

	private final String reason;

	/**
	 * @param reason the {@code pushlab.rejected} reason, e.g. {@code name_in_use}
	 * @param detail the problem's detail, {@code "field: message"}
	 */
	public ConflictException(String reason, String detail) {
		super(detail, null, false, false);
		this.reason = reason;
	}

	public String reason() {
		return this.reason;
	}

}
