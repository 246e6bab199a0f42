package io.pushlab.hub;

/**
 * Carries private messages to every instance, each of which delivers them to its own
 * connections of the addressee and of the sender. A message to a user who holds no
 * connection anywhere is refused, not queued. Thread-safe.
 */
public interface PrivateChannel {

	/** Hears every private message; must not block (hand off and return). */
	@FunctionalInterface
	interface Listener {

		void deliver(PrivateMessage message);

	}

	/**
	 * Sends a private message to the listeners of every instance.
	 * @param message the message, validated
	 * @return false when the addressee is offline (nothing was delivered)
	 */
	boolean publish(PrivateMessage message);

	/**
	 * Registers a listener for every later message.
	 * @param listener the listener
	 */
	void addListener(Listener listener);

}
