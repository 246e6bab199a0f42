package io.pushlab.hub;

/**
 * A subscriber's registration with a room. Closing it is idempotent and stops further
 * deliveries.
 */
public interface Subscription extends AutoCloseable {

	/**
	 * @return true when the replay that started this subscription could not go back as
	 * far as asked, because older messages are no longer retained
	 */
	boolean gap();

	@Override
	void close();

}
