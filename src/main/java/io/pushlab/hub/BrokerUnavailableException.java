package io.pushlab.hub;

/**
 * The broker cannot store or deliver right now (its backing store is unreachable).
 * Publishers answer 503; nothing is silently dropped.
 */
public class BrokerUnavailableException extends RuntimeException {

	public BrokerUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
