package io.pushlab.web;

/** A request body over the contract's limit; answered with a 413 problem. */
public class PayloadTooLargeException extends RuntimeException {

	public PayloadTooLargeException(String message) {
		super(message);
	}

}
