package io.pushlab.web;

/**
 * A resource that does not exist (or is no longer retained); answered with 404. It
 * carries no stack trace: it is an answer, not a fault.
 */
public class NotFoundException extends RuntimeException {

	public NotFoundException(String message) {
		super(message, null, false, false);
	}

}
