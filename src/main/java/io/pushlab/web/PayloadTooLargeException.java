package io.pushlab.web;

/**
 * A request body over the contract's limit; answered with a 413 problem (no stack trace).
 */
public class PayloadTooLargeException extends RuntimeException {

	public PayloadTooLargeException(String message) {
		super(message, null, false, false);
	}

}
