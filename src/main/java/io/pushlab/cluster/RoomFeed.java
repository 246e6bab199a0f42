package io.pushlab.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;

/**
 * One room's subscribers on this instance, and the Redis broker's one place for replay
 * then live. Each registration remembers the last id it was given and skips anything not
 * newer, so a message that arrives twice (pub/sub and a re-read of the log) is delivered
 * once, and in id order. While a registration's replay is read from Redis it buffers live
 * messages; {@link #finishReplay} hands over the replay, then what arrived meanwhile.
 * Deliveries happen under the room's lock, one at a time; they are non-blocking
 * hand-offs. The registrations are a copy-on-write array, so one that closes during a
 * dispatch (from any thread, even from inside a delivery) leaves without waiting.
 * <p>
 * It is also this instance's cache of the room's newest id and of when the room was last
 * used here; a feed without registrations that stayed unused for the idle time is evicted
 * ({@link #evictIfIdle}) and refuses registrations from then on.
 */
final class RoomFeed {

	private final String room;

	private final LongSupplier clock;

	private final ReentrantLock lock = new ReentrantLock();

	private final AtomicReference<Registration[]> registrations = new AtomicReference<>(new Registration[0]);

	private final AtomicLong lastId = new AtomicLong();

	/** When the room was last used here (publish, read, subscription, leave), ms. */
	private volatile long lastActive;

	/** Evicted: whoever finds this must make a new feed. Guarded by the lock. */
	private boolean removed;

	RoomFeed(String room, LongSupplier clock) {
		this.room = room;
		this.clock = clock;
		touch();
	}

	String room() {
		return this.room;
	}

	/** Records a use of the room here. */
	void touch() {
		this.lastActive = this.clock.getAsLong();
	}

	/**
	 * @return when the room was last used here, in ms of the clock
	 */
	long lastActive() {
		return this.lastActive;
	}

	/**
	 * @return the newest id this instance knows of, 0 when none
	 */
	long lastId() {
		return this.lastId.get();
	}

	/**
	 * @param id an id known to exist in the room
	 */
	void remember(long id) {
		if (id > 0) {
			this.lastId.accumulateAndGet(id, Math::max);
		}
	}

	/**
	 * Evicts the feed when it has no registration and was not used since the cutoff.
	 * @param cutoff a time of the clock
	 * @return whether it was evicted (it then refuses registrations)
	 */
	boolean evictIfIdle(long cutoff) {
		this.lock.lock();
		try {
			if (this.removed || size() > 0 || this.lastActive >= cutoff) {
				return false;
			}
			this.removed = true;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Registers a subscriber.
	 * @param subscriber the subscriber
	 * @param after the cursor it has seen, or -1 for live only
	 * @param replaying whether it will be given a replay first (it buffers until
	 * {@link #finishReplay})
	 * @return the registration, or null when the feed was evicted (make a new one)
	 */
	Registration register(Subscriber subscriber, long after, boolean replaying) {
		Registration registration = new Registration(subscriber, after, replaying);
		this.lock.lock();
		try {
			if (this.removed) {
				return null;
			}
			touch();
			Registration[] current;
			Registration[] next;
			do {
				current = this.registrations.get();
				next = Arrays.copyOf(current, current.length + 1);
				next[current.length] = registration;
			}
			while (!this.registrations.compareAndSet(current, next));
			return registration;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Hands over the replay, then what arrived live meanwhile and is newer, and switches
	 * the registration to live delivery.
	 * @param registration a registration made with {@code replaying}
	 * @param replay the retained messages after its cursor, oldest first
	 * @param gap whether messages after the cursor are missing from the replay
	 * @param last the room's newest id when the replay was read: everything up to it
	 * counts as handed over
	 */
	void finishReplay(Registration registration, List<Envelope> replay, boolean gap, long last) {
		this.lock.lock();
		try {
			List<Envelope> buffered = registration.buffer;
			registration.buffer = null;
			if (registration.closed) {
				return;
			}
			if (!Subscriber.replaySafely(registration.subscriber, replay, gap)) {
				registration.closed = true;
				removeClosed();
				return;
			}
			long handed = Math.max(registration.lastId, last);
			if (!replay.isEmpty()) {
				handed = Math.max(handed, replay.get(replay.size() - 1).id());
			}
			registration.lastId = handed;
			if (buffered != null) {
				for (Envelope envelope : buffered) {
					if (!registration.offer(envelope)) {
						removeClosed();
						return;
					}
				}
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
			boolean refused = false;
			for (Registration registration : this.registrations.get()) {
				for (Envelope envelope : envelopes) {
					if (!registration.offer(envelope)) {
						refused = true;
						break;
					}
				}
			}
			if (refused) {
				removeClosed();
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
			for (Registration registration : this.registrations.get()) {
				if (!registration.closed && registration.buffer == null && registration.lastId >= 0) {
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
		return this.registrations.get().length;
	}

	/** Drops every closed registration; lock-free, safe during a dispatch. */
	private void removeClosed() {
		Registration[] current;
		Registration[] next;
		do {
			current = this.registrations.get();
			next = Arrays.stream(current).filter((registration) -> !registration.closed).toArray(Registration[]::new);
			if (next.length == current.length) {
				return;
			}
		}
		while (!this.registrations.compareAndSet(current, next));
	}

	/**
	 * One subscriber's registration; {@code lastId} and {@code buffer} are guarded by the
	 * room's lock.
	 */
	final class Registration implements Subscription {

		private final Subscriber subscriber;

		private long lastId;

		private List<Envelope> buffer;

		private volatile boolean closed;

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
		public void close() {
			this.closed = true;
			removeClosed();
			// idle from the last subscriber's leaving on
			touch();
		}

	}

}
