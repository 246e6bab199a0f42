package io.pushlab.hub;

/**
 * A subscriber's registration with a room. Closing it is idempotent, never blocks on a
 * fan-out in progress, and stops further deliveries (see {@link Subscriber} for closing
 * during a fan-out).
 */
public interface Subscription extends AutoCloseable {

	@Override
	void close();

}
