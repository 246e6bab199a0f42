package io.pushlab.hub;

import java.util.List;

/**
 * One connection's view of a room, as the hub sees it: a transport adapts its connection
 * to this. Through {@link Broker#subscribe} it first gets, once, the {@link #replay} of
 * the retained messages after its cursor (only when it gave one), then every live message
 * through {@link #deliver}: ids strictly increase across both, with nothing lost between
 * them and nothing twice.
 * <p>
 * The hub calls a subscriber one call at a time per room, while it holds the room's
 * order; so an implementation must never block (enqueue and return) and must not publish
 * to the same room from inside a call.
 * <p>
 * <b>Closing during a fan-out.</b> {@link Subscription#close()} may be called at any
 * moment from any thread, including from inside {@link #deliver} (of this subscriber or
 * of another one of the same room) while a publish is walking the room's subscribers. The
 * walk then goes on: every other subscriber still gets that message exactly once and in
 * order, and the closed one gets no further call, apart from one that a publish on
 * another thread had already begun when {@code close()} returned. A subscriber that
 * returns {@code false} (or throws) is removed the same way.
 */
public interface Subscriber {

	/**
	 * Hands over the next live message of the room.
	 * @param envelope the message, with ids strictly increasing between calls
	 * @return {@code false} when this subscriber is gone (closed, overflowed): the hub
	 * then removes it and never calls it again
	 */
	boolean deliver(Envelope envelope);

	/**
	 * Hands over the replay, exactly once and before any {@link #deliver}, when the
	 * subscription was made with a cursor ({@code after >= 0}); never for a live-only
	 * subscription. By default each message goes through {@link #deliver}.
	 * @param messages the retained messages after the cursor, oldest first: the newest
	 * {@link #replayLimit()} of them (may be empty)
	 * @param gap true when some messages after the cursor are not in {@code messages} (no
	 * longer retained, or beyond the replay limit): the subscriber should tell its client
	 * @return {@code false} when this subscriber is gone: it is then never registered
	 */
	default boolean replay(List<Envelope> messages, boolean gap) {
		for (Envelope envelope : messages) {
			if (!deliver(envelope)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * @return the most messages the replay may hold; when more are retained after the
	 * cursor, the newest ones are handed over (a chat join wants the last 50, not the
	 * first 50)
	 */
	default int replayLimit() {
		return Integer.MAX_VALUE;
	}

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

	/**
	 * Replays to a subscriber on the hub's behalf, like {@link #deliverSafely}.
	 * @param subscriber the subscriber
	 * @param messages the replay
	 * @param gap whether messages are missing before it
	 * @return whether the subscriber took it
	 */
	static boolean replaySafely(Subscriber subscriber, List<Envelope> messages, boolean gap) {
		try {
			return subscriber.replay(messages, gap);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
