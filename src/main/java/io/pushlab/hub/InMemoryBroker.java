package io.pushlab.hub;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded default {@link Broker}: one JVM, rooms in memory. Each room keeps its id
 * sequence, a bounded history and its subscribers behind one short lock, so ids, history
 * order and delivery order agree. Deliveries are non-blocking hand-offs
 * ({@link Subscriber#deliver}), so a slow subscriber never holds the lock.
 * <p>
 * Rooms are bounded: at most {@code maxRooms} at once, and at most
 * {@code maxRoomsPerOwner} created by one owner and held at once (one more is refused
 * with {@link RoomLimitException}; using a room that exists never is), and
 * {@link #evictIdleRooms()} removes a room, with its history, once it has had no
 * subscriber and no publish or read for {@code idleTtl}. An evicted room's last id is
 * remembered (for the newest {@code 10 × maxRooms} evicted rooms; beyond that, the
 * highest forgotten id is kept for every room), and a room created again continues after
 * it: ids never go back, so a client's cursor never skips a new message, and a cursor
 * older than the evicted room's last id reads {@code gap}.
 * <p>
 * A room's history is bounded twice: at most {@code historySize} messages, and at most
 * {@code historyBytes} of estimated heap ({@link #weight(Envelope)}: the message, its
 * JSON and room for its cached transport encodings). The oldest messages go first either
 * way, the newest message is always kept, and a cursor before the oldest kept one reads
 * {@code gap}.
 */
public class InMemoryBroker implements Broker {

	/** Headers of the message, envelope, strings, arrays and the encodings' map. */
	private static final long OBJECT_OVERHEAD = 640;

	/** An encoded frame's bytes beyond the JSON (SSE fields, WebSocket type). */
	private static final long FRAME_OVERHEAD = 48;

	private final ConcurrentMap<String, RoomLog> rooms = new ConcurrentHashMap<>();

	private final int historySize;

	private final long historyBytes;

	private final MessageCodec codec;

	private final Clock clock;

	private final int maxRooms;

	private final int maxRoomsPerOwner;

	/** Whether clients on this machine (loopback addresses) have a share too. */
	private final boolean limitLoopback;

	/** Rooms held per owner that created them; an owner without rooms has no entry. */
	private final ConcurrentMap<String, Integer> owned = new ConcurrentHashMap<>();

	private final long idleTtlMillis;

	/** Rooms held, counted when created and when evicted (the bound's count). */
	private final AtomicInteger held = new AtomicInteger();

	/** Last ids of evicted rooms, oldest eviction first; guarded by itself. */
	private final LinkedHashMap<String, Long> evictedLastIds = new LinkedHashMap<>();

	private final int maxEvictedLastIds;

	/** The highest last id dropped from {@link #evictedLastIds}; guarded by it. */
	private long forgottenLastId;

	/**
	 * A broker with no bound on rooms, which are never evicted.
	 * @param historySize messages each room keeps
	 * @param codec the message codec
	 * @param clock the clock of {@code sentAt}
	 */
	public InMemoryBroker(int historySize, MessageCodec codec, Clock clock) {
		this(historySize, codec, clock, Integer.MAX_VALUE, Duration.ZERO);
	}

	/**
	 * @param historySize messages each room keeps
	 * @param codec the message codec
	 * @param clock the clock of {@code sentAt} and of idleness
	 * @param maxRooms most rooms held at once
	 * @param idleTtl a room without subscribers idle this long is evicted by
	 * {@link #evictIdleRooms()}; zero or negative: never
	 */
	public InMemoryBroker(int historySize, MessageCodec codec, Clock clock, int maxRooms, Duration idleTtl) {
		this(historySize, Long.MAX_VALUE, codec, clock, maxRooms, idleTtl);
	}

	/**
	 * @param historySize messages each room keeps
	 * @param historyBytes estimated heap each room's history may hold (see
	 * {@link #weight(Envelope)}); the newest message is kept even when larger
	 * @param codec the message codec
	 * @param clock the clock of {@code sentAt} and of idleness
	 * @param maxRooms most rooms held at once
	 * @param idleTtl a room without subscribers idle this long is evicted by
	 * {@link #evictIdleRooms()}; zero or negative: never
	 */
	public InMemoryBroker(int historySize, long historyBytes, MessageCodec codec, Clock clock, int maxRooms,
			Duration idleTtl) {
		this(historySize, historyBytes, codec, clock, maxRooms, maxRooms, true, idleTtl);
	}

	/**
	 * @param historySize messages each room keeps
	 * @param historyBytes estimated heap each room's history may hold (see
	 * {@link #weight(Envelope)}); the newest message is kept even when larger
	 * @param codec the message codec
	 * @param clock the clock of {@code sentAt} and of idleness
	 * @param maxRooms most rooms held at once
	 * @param maxRoomsPerOwner most rooms one owner created and held at once
	 * @param limitLoopback whether loopback owners have a share too (see
	 * {@link RoomOwners})
	 * @param idleTtl a room without subscribers idle this long is evicted by
	 * {@link #evictIdleRooms()}; zero or negative: never
	 */
	public InMemoryBroker(int historySize, long historyBytes, MessageCodec codec, Clock clock, int maxRooms,
			int maxRoomsPerOwner, boolean limitLoopback, Duration idleTtl) {
		this.maxRoomsPerOwner = maxRoomsPerOwner;
		this.limitLoopback = limitLoopback;
		this.historySize = historySize;
		this.historyBytes = historyBytes;
		this.codec = codec;
		this.clock = clock;
		this.maxRooms = maxRooms;
		this.idleTtlMillis = idleTtl.toMillis();
		this.maxEvictedLastIds = (int) Math.min(1_000_000, 10L * maxRooms);
	}

	private RoomLog room(String room, String client) {
		RoomLog log = this.rooms.get(room);
		if (log != null) {
			return log;
		}
		String owner = RoomOwners.limited(client, this.limitLoopback);
		return this.rooms.computeIfAbsent(room, (name) -> {
			if (this.held.incrementAndGet() > this.maxRooms) {
				this.held.decrementAndGet();
				throw new RoomLimitException(this.maxRooms, retryAfterSeconds());
			}
			if (owner != null && !claim(owner)) {
				this.held.decrementAndGet();
				throw RoomLimitException.ownerShare(this.maxRoomsPerOwner, this.maxRooms, retryAfterSeconds());
			}
			return new RoomLog(name, owner, this.historySize, this.historyBytes, evictedLastId(name, true));
		});
	}

	/** Counts one more room for the owner. @return false when it holds its share */
	private boolean claim(String owner) {
		boolean[] claimed = { false };
		this.owned.compute(owner, (key, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.maxRoomsPerOwner) {
				return count;
			}
			claimed[0] = true;
			return current + 1;
		});
		return claimed[0];
	}

	private void release(String owner) {
		if (owner != null) {
			this.owned.computeIfPresent(owner, (key, count) -> (count > 1) ? count - 1 : null);
		}
	}

	private long retryAfterSeconds() {
		return (this.idleTtlMillis > 0) ? Math.min(60, (this.idleTtlMillis + 999) / 1000) : 60;
	}

	/**
	 * @param room a room that does not exist now
	 * @param take whether the room is being created again (its entry is then dropped)
	 * @return the last id the room had when it was evicted, 0 when it never was
	 */
	private long evictedLastId(String room, boolean take) {
		synchronized (this.evictedLastIds) {
			Long last = take ? this.evictedLastIds.remove(room) : this.evictedLastIds.get(room);
			if (last != null) {
				return last;
			}
			// a room may have been evicted long ago and forgotten: never go back
			return take ? this.forgottenLastId : 0;
		}
	}

	private void rememberEvicted(String room, long lastId) {
		synchronized (this.evictedLastIds) {
			this.evictedLastIds.remove(room);
			this.evictedLastIds.put(room, lastId);
			while (this.evictedLastIds.size() > this.maxEvictedLastIds) {
				Iterator<Map.Entry<String, Long>> oldest = this.evictedLastIds.entrySet().iterator();
				this.forgottenLastId = Math.max(this.forgottenLastId, oldest.next().getValue());
				oldest.remove();
			}
		}
	}

	@Override
	public void admit(String room, String client) {
		if (this.rooms.containsKey(room)) {
			return;
		}
		String owner = RoomOwners.limited(client, this.limitLoopback);
		if (this.held.get() >= this.maxRooms) {
			throw new RoomLimitException(this.maxRooms, retryAfterSeconds());
		}
		if (owner != null && ownedBy(owner) >= this.maxRoomsPerOwner) {
			throw RoomLimitException.ownerShare(this.maxRoomsPerOwner, this.maxRooms, retryAfterSeconds());
		}
	}

	@Override
	public Envelope publish(String room, Draft draft, String owner) {
		while (true) {
			Envelope envelope = room(room, owner).publish(draft);
			if (envelope != null) {
				return envelope;
			}
		}
	}

	@Override
	public Optional<Envelope> find(String room, long id) {
		RoomLog log = this.rooms.get(room);
		return (log != null) ? log.find(id) : Optional.empty();
	}

	@Override
	public Slice read(String room, long after, int limit) {
		RoomLog log = this.rooms.get(room);
		if (log != null) {
			return log.read(after, limit);
		}
		// an evicted room: what came after the cursor is gone
		long last = evictedLastId(room, false);
		return new Slice(room, List.of(), last, after >= 0 && after < last);
	}

	@Override
	public long lastId(String room) {
		RoomLog log = this.rooms.get(room);
		return (log != null) ? log.lastId : evictedLastId(room, false);
	}

	@Override
	public Subscription subscribe(String room, long after, Subscriber subscriber, String owner) {
		while (true) {
			Subscription subscription = room(room, owner).subscribe(after, subscriber);
			if (subscription != null) {
				return subscription;
			}
		}
	}

	/**
	 * Removes every room that has had no subscriber, and no publish, read or
	 * subscription, for the idle time, with its history.
	 * @return how many rooms were removed
	 */
	@Override
	public int evictIdleRooms() {
		if (this.idleTtlMillis <= 0) {
			return 0;
		}
		long cutoff = this.clock.millis() - this.idleTtlMillis;
		int evicted = 0;
		for (RoomLog log : this.rooms.values()) {
			if (log.size() == 0 && log.lastActive < cutoff && log.evictIfIdle(cutoff, true)) {
				evicted++;
			}
		}
		return evicted;
	}

	/**
	 * Removes a room now, with its history, when it has no subscriber, and forgets its
	 * last id (for rooms whose name is never used again, such as the start-up warm-up's).
	 * @param room the room
	 * @return whether the room is gone (false while it still has a subscriber)
	 */
	public boolean discard(String room) {
		RoomLog log = this.rooms.get(room);
		if (log == null) {
			return true;
		}
		return log.evictIfIdle(Long.MAX_VALUE, false) || !this.rooms.containsKey(room);
	}

	/**
	 * @param owner an owner
	 * @return how many of the rooms held now it created
	 */
	public int ownedBy(String owner) {
		return this.owned.getOrDefault(owner, 0);
	}

	/**
	 * @return how many rooms are held now
	 */
	public int roomCount() {
		return this.rooms.size();
	}

	/**
	 * @param room a room
	 * @return whether the room is held now
	 */
	public boolean holds(String room) {
		return this.rooms.containsKey(room);
	}

	/**
	 * @param room a room
	 * @return the estimated heap its history holds now ({@link #weight(Envelope)} of each
	 * kept message), 0 when the room is not held
	 */
	public long retainedBytes(String room) {
		RoomLog log = this.rooms.get(room);
		if (log == null) {
			return 0;
		}
		log.lock.lock();
		try {
			return log.history.bytes;
		}
		finally {
			log.lock.unlock();
		}
	}

	/**
	 * A stored message's estimated heap, on the high side: its objects, its strings
	 * (text, sender, nonce and JSON; one byte a character when all are Latin-1, two
	 * otherwise) and room for the transport encodings subscribers cache on it (the SSE
	 * frame's bytes, the WebSocket frame's text and bytes: each about the JSON in UTF-8).
	 * @param envelope a stored message
	 * @return the estimate in bytes
	 */
	public static long weight(Envelope envelope) {
		Message message = envelope.message();
		String json = envelope.json();
		long utf8 = 0;
		for (int i = 0; i < json.length(); i++) {
			char c = json.charAt(i);
			utf8 += (c < 0x80) ? 1 : (c < 0x800 || Character.isSurrogate(c)) ? 2 : 3;
		}
		return OBJECT_OVERHEAD + stringBytes(message.text()) + stringBytes(message.from())
				+ stringBytes(message.nonce()) + stringBytes(json) + 3 * (utf8 + FRAME_OVERHEAD);
	}

	private static long stringBytes(String value) {
		if (value == null) {
			return 0;
		}
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) > 0xFF) {
				return 2L * value.length();
			}
		}
		return value.length();
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

		/** Who created the room (its share counts it), or null. */
		private final String owner;

		/** Orders ids, history and deliveries; held for a publish's whole fan-out. */
		private final ReentrantLock lock = new ReentrantLock();

		private final History history;

		/**
		 * Copy on write, so a registration can leave (even from inside a delivery)
		 * without waiting for, or disturbing, a fan-out walking the previous array.
		 */
		private final AtomicReference<Registration[]> subscribers = new AtomicReference<>(new Registration[0]);

		private volatile long lastId;

		/** When the room was last used (publish, read, subscription), epoch ms. */
		private volatile long lastActive;

		/** Evicted: whoever finds this must take the room anew. Guarded by the lock. */
		private boolean removed;

		RoomLog(String name, String owner, int capacity, long maxBytes, long lastId) {
			this.name = name;
			this.owner = owner;
			this.history = new History(capacity, maxBytes);
			this.lastId = lastId;
			touch();
		}

		void touch() {
			this.lastActive = InMemoryBroker.this.clock.millis();
		}

		/**
		 * @return whether the room was evicted
		 */
		boolean evictIfIdle(long cutoff, boolean remember) {
			this.lock.lock();
			try {
				if (this.removed || size() > 0 || this.lastActive >= cutoff) {
					return false;
				}
				this.removed = true;
				// remembered before the room leaves the map: a room created again right
				// after continues from its last id
				if (remember) {
					rememberEvicted(this.name, this.lastId);
				}
				InMemoryBroker.this.rooms.remove(this.name, this);
				InMemoryBroker.this.held.decrementAndGet();
				release(this.owner);
				return true;
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * @return the stored message, or null when the room was evicted meanwhile
		 */
		Envelope publish(Draft draft) {
			this.lock.lock();
			try {
				if (this.removed) {
					return null;
				}
				touch();
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
			touch();
			this.lock.lock();
			try {
				List<Envelope> messages = new ArrayList<>(Math.min(limit, this.history.size()));
				boolean gap = this.history.collectAfter(after, limit, messages) || lostBeforeHistory(after);
				return new Slice(this.name, messages, this.lastId, gap);
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * @return the registration, or null when the room was evicted meanwhile
		 */
		Subscription subscribe(long after, Subscriber subscriber) {
			Registration registration = new Registration(this, subscriber, after);
			this.lock.lock();
			try {
				if (this.removed) {
					return null;
				}
				touch();
				if (after >= 0) {
					List<Envelope> replay = new ArrayList<>();
					boolean gap = this.history.collectNewestAfter(after, subscriber.replayLimit(), replay)
							|| lostBeforeHistory(after);
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

		/**
		 * A room created again after eviction starts with an empty history: messages
		 * after the cursor up to its last id are gone. Call with the lock held.
		 */
		private boolean lostBeforeHistory(long after) {
			return this.history.size() == 0 && after >= 0 && after < this.lastId;
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

		/**
		 * Drops every closed registration; lock-free, safe during a fan-out. One pass
		 * decides which stay: a registration that closes meanwhile is dropped next time.
		 */
		void removeClosed() {
			Registration[] current;
			Registration[] next;
			do {
				current = this.subscribers.get();
				java.util.List<Registration> open = new java.util.ArrayList<>(current.length);
				for (Registration registration : current) {
					if (!registration.closed) {
						open.add(registration);
					}
				}
				if (open.size() == current.length) {
					return;
				}
				next = open.toArray(new Registration[0]);
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
			// idle from the last subscriber's leaving on
			this.room.touch();
		}

	}

	/**
	 * A bounded ring of a room's newest messages, by count and by estimated bytes; ids in
	 * it are consecutive.
	 */
	private static final class History {

		private final int capacity;

		private final long maxBytes;

		private Envelope[] ring;

		/** {@link #weight(Envelope)} of each message, at the same index as the ring. */
		private long[] weights;

		private int head;

		private int size;

		/** The sum of the held messages' weights. */
		private long bytes;

		History(int capacity, long maxBytes) {
			this.capacity = capacity;
			this.maxBytes = maxBytes;
			this.ring = new Envelope[Math.min(16, capacity)];
			this.weights = new long[this.ring.length];
		}

		int size() {
			return this.size;
		}

		void add(Envelope envelope) {
			if (this.size == this.ring.length && this.ring.length < this.capacity) {
				int length = Math.min(this.capacity, this.ring.length * 2);
				Envelope[] grown = new Envelope[length];
				long[] grownWeights = new long[length];
				for (int i = 0; i < this.size; i++) {
					grown[i] = this.ring[(this.head + i) % this.ring.length];
					grownWeights[i] = this.weights[(this.head + i) % this.ring.length];
				}
				this.ring = grown;
				this.weights = grownWeights;
				this.head = 0;
			}
			if (this.size == this.ring.length) {
				removeOldest();
			}
			long weight = weight(envelope);
			// the newest message is always kept: the oldest go until it fits
			while (this.size > 0 && this.bytes + weight > this.maxBytes) {
				removeOldest();
			}
			int index = (this.head + this.size) % this.ring.length;
			this.ring[index] = envelope;
			this.weights[index] = weight;
			this.bytes += weight;
			this.size++;
		}

		private void removeOldest() {
			this.bytes -= this.weights[this.head];
			this.ring[this.head] = null;
			this.weights[this.head] = 0;
			this.head = (this.head + 1) % this.ring.length;
			this.size--;
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
