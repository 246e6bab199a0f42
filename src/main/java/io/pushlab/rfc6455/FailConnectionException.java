package io.pushlab.rfc6455;

/**
 * The peer broke the protocol: the connection must be failed, RFC 6455 §7.1.7, by sending
 * a close frame with {@link #closeCode()} and closing the TCP connection.
 */
public class FailConnectionException extends Exception {

	private final int closeCode;

	/**
	 * @param closeCode the status code of the close frame ({@link CloseCode})
	 * @param reason what went wrong; sent as the close reason, so short
	 */
	public FailConnectionException(int closeCode, String reason) {
		super(reason);
		this.closeCode = closeCode;
	}

	public int closeCode() {
		return this.closeCode;
	}

}
