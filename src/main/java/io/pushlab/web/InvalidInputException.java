package io.pushlab.web;

import java.util.List;

/**
 * Input that breaks the contract's rules; answered with a 400 problem whose
 * {@code detail} names the first field at fault and whose {@code errors} lists them all.
 * It carries no stack trace: it is an answer to a client, not a fault, and a flood of bad
 * requests must not pay for walking the stack.
 */
public class InvalidInputException extends RuntimeException {

	private final List<String> errors;

	/**
	 * @param errors messages of the form {@code "field: what is wrong"}, at least one
	 */
	public InvalidInputException(List<String> errors) {
		super(String.join("; ", errors), null, false, false);
		this.errors = List.copyOf(errors);
	}

	public InvalidInputException(String error) {
		this(List.of(error));
	}

	public List<String> errors() {
		return this.errors;
	}

	/**
	 * Throws when any of the checks found a problem.
	 * @param errors the results of {@code MessageRules} checks; {@code null} entries mean
	 * valid
	 */
	public static void throwIfAny(String... errors) {
		List<String> found = java.util.Arrays.stream(errors).filter(java.util.Objects::nonNull).toList();
		if (!found.isEmpty()) {
			throw new InvalidInputException(found);
		}
	}

}
