package io.pushlab.web;

/**
 * A request this instance cannot serve now (it is shutting down, say); answered with a
 * 503 problem whose detail says what to do.
 */
public class ServiceUnavailableException extends RuntimeException {

	/**
	 * @param detail the problem's detail, {@code "field: message"}
	 */
	public ServiceUnavailableException(String detail) {
		super(detail, null, false, false);
	}

}
