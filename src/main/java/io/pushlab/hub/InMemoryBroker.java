package io.pushlab.hub;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded default {@link Broker}: one JVM, rooms in memory. Each room keeps its id
 * sequence, a bounded history and its subscribers behind one short lock, so ids, history
 * order and delivery order agree. Deliveries are non-blocking hand-offs
 * ({@link Subscriber#deliver}), so a slow subscriber never holds the lock.
 */
public class InMemoryBroker implements Broker {

	private final ConcurrentMap<String, RoomLog> rooms = new ConcurrentHashMap<>();

	private final int historySize;

	private final MessageCodec codec;

	private final Clock clock;

	public InMemoryBroker(int historySize, MessageCodec codec, Clock clock) {
		this.historySize = historySize;
		this.codec = codec;
		this.clock = clock;
	}

	private RoomLog room(String room) {
		return this.rooms.computeIfAbsent(room, (name) -> new RoomLog(name, this.historySize));
	}

	@Override
	public Envelope publish(String room, Draft draft) {
		return room(room).publish(draft);
	}

	@Override
	public Optional<Envelope> find(String room, long id) {
		RoomLog log = this.rooms.get(room);
		return (log != null) ? log.find(id) : Optional.empty();
	}

	@Override
	public Slice read(String room, long after, int limit) {
		RoomLog log = this.rooms.get(room);
		return (log != null) ? log.read(after, limit) : new Slice(room, List.of(), 0, false);
	}

	@Override
	public long lastId(String room) {
		RoomLog log = this.rooms.get(room);
		return (log != null) ? log.lastId : 0;
	}

	@Override
	public Subscription subscribe(String room, long after, Subscriber subscriber) {
		return room(room).subscribe(after, subscriber);
	}

	/**
	 * @param room a room
	 * @return how many subscribers the room has now
	 */
	public int subscriberCount(String room) {
		RoomLog log = this.rooms.get(room);
		return (log != null) ? log.size() : 0;
	}

	private final class RoomLog {

		private final String name;

		/** Orders ids, history and deliveries; held for a publish's whole fan-out. */
		private final ReentrantLock lock = new ReentrantLock();

		private final History history;

		/**
		 * Copy on write, so a registration can leave (even from inside a delivery)
		 * without waiting for, or disturbing, a fan-out walking the previous array.
		 */
		private final AtomicReference<Registration[]> subscribers = new AtomicReference<>(new Registration[0]);

		private volatile long lastId;

		RoomLog(String name, int capacity) {
			this.name = name;
			this.history = new History(capacity);
		}

		Envelope publish(Draft draft) {
			this.lock.lock();
			try {
				long id = this.lastId + 1;
				Message message = new Message(id, this.name, draft.from(), draft.text(), draft.nonce(),
						InMemoryBroker.this.clock.millis());
				Envelope envelope = new Envelope(message, InMemoryBroker.this.codec.toJson(message));
				this.history.add(envelope);
				this.lastId = id;
				fanOut(envelope);
				return envelope;
			}
			finally {
				this.lock.unlock();
			}
		}

		private void fanOut(Envelope envelope) {
			boolean refused = false;
			for (Registration registration : this.subscribers.get()) {
				if (!registration.offer(envelope)) {
					refused = true;
				}
			}
			if (refused) {
				removeClosed();
			}
		}

		Optional<Envelope> find(long id) {
			this.lock.lock();
			try {
				return Optional.ofNullable(this.history.get(id));
			}
			finally {
				this.lock.unlock();
			}
		}

		Slice read(long after, int limit) {
			this.lock.lock();
			try {
				List<Envelope> messages = new ArrayList<>(Math.min(limit, this.history.size()));
				boolean gap = this.history.collectAfter(after, limit, messages);
				return new Slice(this.name, messages, this.lastId, gap);
			}
			finally {
				this.lock.unlock();
			}
		}

		Subscription subscribe(long after, Subscriber subscriber) {
			Registration registration = new Registration(this, subscriber, after);
			this.lock.lock();
			try {
				if (after >= 0) {
					List<Envelope> replay = new ArrayList<>();
					boolean gap = this.history.collectNewestAfter(after, subscriber.replayLimit(), replay);
					if (!Subscriber.replaySafely(subscriber, replay, gap)) {
						registration.closed = true;
						return registration;
					}
				}
				if (!registration.closed) {
					add(registration);
				}
				return registration;
			}
			finally {
				this.lock.unlock();
			}
		}

		int size() {
			return this.subscribers.get().length;
		}

		private void add(Registration registration) {
			Registration[] current;
			Registration[] next;
			do {
				current = this.subscribers.get();
				next = Arrays.copyOf(current, current.length + 1);
				next[current.length] = registration;
			}
			while (!this.subscribers.compareAndSet(current, next));
		}

		/** Drops every closed registration; lock-free, safe during a fan-out. */
		void removeClosed() {
			Registration[] current;
			Registration[] next;
			do {
				current = this.subscribers.get();
				int open = 0;
				for (Registration registration : current) {
					if (!registration.closed) {
						open++;
					}
				}
				if (open == current.length) {
					return;
				}
				next = new Registration[open];
				int i = 0;
				for (Registration registration : current) {
					if (!registration.closed) {
						next[i++] = registration;
					}
				}
			}
			while (!this.subscribers.compareAndSet(current, next));
		}

	}

	private static final class Registration implements Subscription {

		private final RoomLog room;

		private final Subscriber subscriber;

		/** Nothing at or below this id is delivered. */
		private final long floor;

		private volatile boolean closed;

		Registration(RoomLog room, Subscriber subscriber, long after) {
			this.room = room;
			this.subscriber = subscriber;
			this.floor = after;
		}

		/** Called under the room's lock. @return false when the registration is gone */
		boolean offer(Envelope envelope) {
			if (this.closed) {
				return false;
			}
			if (envelope.id() <= this.floor) {
				return true;
			}
			boolean accepted = Subscriber.deliverSafely(this.subscriber, envelope);
			if (!accepted) {
				this.closed = true;
			}
			return accepted;
		}

		@Override
		public void close() {
			this.closed = true;
			this.room.removeClosed();
		}

	}

	/** A bounded ring of a room's newest messages; ids in it are consecutive. */
	private static final class History {

		private final int capacity;

		private Envelope[] ring;

		private int head;

		private int size;

		History(int capacity) {
			this.capacity = capacity;
			this.ring = new Envelope[Math.min(16, capacity)];
		}

		int size() {
			return this.size;
		}

		void add(Envelope envelope) {
			if (this.size == this.ring.length && this.ring.length < this.capacity) {
				Envelope[] grown = new Envelope[Math.min(this.capacity, this.ring.length * 2)];
				for (int i = 0; i < this.size; i++) {
					grown[i] = this.ring[(this.head + i) % this.ring.length];
				}
				this.ring = grown;
				this.head = 0;
			}
			if (this.size < this.ring.length) {
				this.ring[(this.head + this.size) % this.ring.length] = envelope;
				this.size++;
			}
			else {
				this.ring[this.head] = envelope;
				this.head = (this.head + 1) % this.ring.length;
			}
		}

		private long firstId() {
			return this.ring[this.head].id();
		}

		Envelope get(long id) {
			if (this.size == 0) {
				return null;
			}
			long index = id - firstId();
			if (index < 0 || index >= this.size) {
				return null;
			}
			return this.ring[(int) ((this.head + index) % this.ring.length)];
		}

		private long lastId() {
			return firstId() + this.size - 1;
		}

		/**
		 * Adds the oldest retained messages after {@code after}, at most {@code limit}.
		 * @return true when messages after {@code after} are missing from the history
		 */
		boolean collectAfter(long after, int limit, List<Envelope> into) {
			if (this.size == 0 || after >= lastId()) {
				return false;
			}
			long first = firstId();
			long start = Math.max(after + 1, first);
			collect(start, limit, into);
			return after + 1 < first;
		}

		/**
		 * Adds the newest {@code limit} retained messages after {@code after}, oldest
		 * first.
		 * @return true when some messages after {@code after} are not added (no longer
		 * retained, or beyond the limit)
		 */
		boolean collectNewestAfter(long after, int limit, List<Envelope> into) {
			if (this.size == 0 || after >= lastId()) {
				return false;
			}
			long last = lastId();
			long start = Math.max(after + 1, firstId());
			if (limit <= 0) {
				return true;
			}
			start = Math.max(start, last - limit + 1);
			collect(start, limit, into);
			return start > after + 1;
		}

		private void collect(long start, int limit, List<Envelope> into) {
			long index = start - firstId();
			for (long i = index; i < this.size && into.size() < limit; i++) {
				into.add(this.ring[(int) ((this.head + i) % this.ring.length)]);
			}
		}

	}

}
