package io.pushlab.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;

/**
 * One room's subscribers on this instance. Each registration remembers the last id it was
 * given and skips anything not newer, so a message that arrives twice (pub/sub and a
 * re-read of the log) is delivered once, and in id order. While a registration replays
 * history it buffers live messages, then flushes them after the replay. Deliveries happen
 * under the room's lock, one at a time; they are non-blocking hand-offs.
 */
final class RoomFeed {

	private final String room;

	private final ReentrantLock lock = new ReentrantLock();

	private final Set<Registration> registrations = new LinkedHashSet<>();

	RoomFeed(String room) {
		this.room = room;
	}

	String room() {
		return this.room;
	}

	/**
	 * Registers a subscriber.
	 * @param subscriber the subscriber
	 * @param after the cursor it has seen, or -1 for live only
	 * @param replaying whether it will be given a replay first (it buffers until
	 * {@link #finishReplay})
	 * @return the registration
	 */
	Registration register(Subscriber subscriber, long after, boolean replaying) {
		Registration registration = new Registration(subscriber, after, replaying);
		this.lock.lock();
		try {
			this.registrations.add(registration);
		}
		finally {
			this.lock.unlock();
		}
		return registration;
	}

	/**
	 * Delivers the replay, then what arrived live meanwhile, and switches the
	 * registration to live delivery.
	 * @param registration a registration made with {@code replaying}
	 * @param replay the retained messages after its cursor, oldest first
	 * @param gap whether the replay could not go back as far as the cursor
	 */
	void finishReplay(Registration registration, List<Envelope> replay, boolean gap) {
		this.lock.lock();
		try {
			registration.gap = gap;
			List<Envelope> buffered = registration.buffer;
			registration.buffer = null;
			boolean alive = true;
			for (Envelope envelope : replay) {
				alive = alive && registration.offer(envelope);
			}
			if (buffered != null) {
				for (Envelope envelope : buffered) {
					alive = alive && registration.offer(envelope);
				}
			}
			if (!alive) {
				this.registrations.remove(registration);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Hands messages, in id order, to every registration.
	 * @param envelopes the messages, oldest first
	 */
	void dispatch(List<Envelope> envelopes) {
		this.lock.lock();
		try {
			List<Registration> gone = null;
			for (Registration registration : this.registrations) {
				for (Envelope envelope : envelopes) {
					if (!registration.offer(envelope)) {
						if (gone == null) {
							gone = new ArrayList<>();
						}
						gone.add(registration);
						break;
					}
				}
			}
			if (gone != null) {
				gone.forEach(this.registrations::remove);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * @return the lowest id that a live registration has been given, so the messages
	 * after it are the ones some registration still waits for; {@link Long#MAX_VALUE}
	 * when no live registration has a cursor yet
	 */
	long lowestCursor() {
		this.lock.lock();
		try {
			long lowest = Long.MAX_VALUE;
			for (Registration registration : this.registrations) {
				if (registration.buffer == null && registration.lastId >= 0) {
					lowest = Math.min(lowest, registration.lastId);
				}
			}
			return lowest;
		}
		finally {
			this.lock.unlock();
		}
	}

	int size() {
		this.lock.lock();
		try {
			return this.registrations.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void remove(Registration registration) {
		this.lock.lock();
		try {
			this.registrations.remove(registration);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** One subscriber's registration; its fields are guarded by the room's lock. */
	final class Registration implements Subscription {

		private final Subscriber subscriber;

		private long lastId;

		private List<Envelope> buffer;

		private volatile boolean closed;

		private volatile boolean gap;

		Registration(Subscriber subscriber, long after, boolean replaying) {
			this.subscriber = subscriber;
			this.lastId = after;
			this.buffer = replaying ? new ArrayList<>() : null;
		}

		boolean offer(Envelope envelope) {
			if (this.closed) {
				return false;
			}
			if (this.buffer != null) {
				this.buffer.add(envelope);
				return true;
			}
			if (envelope.id() <= this.lastId) {
				return true;
			}
			if (!Subscriber.deliverSafely(this.subscriber, envelope)) {
				this.closed = true;
				return false;
			}
			this.lastId = envelope.id();
			return true;
		}

		@Override
		public boolean gap() {
			return this.gap;
		}

		@Override
		public void close() {
			this.closed = true;
			remove(this);
		}

	}

}
