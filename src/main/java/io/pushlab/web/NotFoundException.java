package io.pushlab.web;

/** A resource that does not exist (or is no longer retained); answered with 404. */
public class NotFoundException extends RuntimeException {

	public NotFoundException(String message) {
		super(message);
	}

}
