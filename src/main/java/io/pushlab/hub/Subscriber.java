package io.pushlab.hub;

/**
 * One connection's view of a room, as the hub sees it: a transport adapts its connection
 * to this. The hub calls {@link #deliver} with the room's messages in id order, one call
 * at a time per room, while it holds the room's order; so an implementation must never
 * block (enqueue and return).
 */
@FunctionalInterface
public interface Subscriber {

	/**
	 * Hands over the next message of the room.
	 * @param envelope the message, with ids strictly increasing between calls
	 * @return {@code false} when this subscriber is gone (closed, overflowed): the hub
	 * then removes it and never calls it again
	 */
	boolean deliver(Envelope envelope);

	/**
	 * Delivers to a subscriber on the hub's behalf: a subscriber that throws is treated
	 * like one that refused, so one broken connection never breaks a fan-out.
	 * @param subscriber the subscriber
	 * @param envelope the message
	 * @return whether the subscriber took it
	 */
	static boolean deliverSafely(Subscriber subscriber, Envelope envelope) {
		try {
			return subscriber.deliver(envelope);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
