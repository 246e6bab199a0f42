package io.pushlab.longpolling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.pushlab.hub.Broker;
import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.Envelope;
import io.pushlab.hub.Slice;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;

/**
 * One long-polling client's queue for one room. It holds messages only for a request that
 * is parked: the hub's side enqueues (at most {@code capacity}) and signals, and the
 * answer is handed to the {@code answers} executor, which takes everything queued by the
 * time it runs and completes the request there, outside every hub lock; the JSON is built
 * by the request's {@link Waiter}. A queue nobody is waiting on keeps no messages, only
 * its cursor: what arrives meanwhile (and, for a new queue, the history after the
 * client's cursor) is read from the room's retained log when the next request comes, at
 * most {@code maxBatch} at a time, with {@code gap} when the log no longer holds some of
 * it. So nothing still retained is lost, and thousands of idle queues cost no copies of
 * history. Never hands out a message twice unless the client asks again from an older
 * cursor. Thread-safe: state changes happen under the queue's monitor, which is never
 * held while calling the hub or a waiter.
 */
final class ClientQueue {

	/** A response to hand to a request: the messages (may be empty) and the gap flag. */
	record Batch(List<Envelope> messages, boolean gap) {

		static final Batch EMPTY = new Batch(List.of(), false);

		boolean isEmpty() {
			return this.messages.isEmpty();
		}

	}

	/** A parked request: called once, outside every lock, with its answer. */
	interface Waiter {

		void complete(Batch batch);

		/**
		 * The queue was dropped (the recovery drill) while this request was parked; by
		 * default answered like an empty batch.
		 */
		default void dropped() {
			complete(Batch.EMPTY);
		}

	}

	private final String clientId;

	private final String room;

	private final String address;

	private final int capacity;

	private final int maxBatch;

	private final Executor answers;

	/**
	 * Messages after {@code handedOut}, consecutive in the room's order, kept only while
	 * a request is parked.
	 */
	private final ArrayDeque<Envelope> pending = new ArrayDeque<>();

	/** The newest id the room is known to have for this queue. */
	private long lastEnqueued = -1;

	/** The newest id handed to the client (or its cursor). */
	private long handedOut = -1;

	/**
	 * Messages after those pending, up to {@code lastEnqueued}, are only in the room's
	 * log: the next answer reads them from there.
	 */
	private boolean behind;

	private Waiter parked;

	/**
	 * When {@link #parked} times out ({@link System#nanoTime()}), 0 for never; may be
	 * stale once it has been answered (read without the lock, see {@link #expire}).
	 */
	private volatile long parkedUntil;

	/** An answer for the parked request is on its way to the executor. */
	private boolean signalled;

	private Broker broker;

	/** The hub's subscriber of the current subscription; older ones are ignored. */
	private Feed feed;

	private Subscription subscription;

	private boolean closed;

	private volatile long lastSeenMillis;

	ClientQueue(String clientId, String room, int capacity, int maxBatch, Executor answers, long nowMillis) {
		this(clientId, room, "", capacity, maxBatch, answers, nowMillis);
	}

	/**
	 * @param clientId the client
	 * @param room the room
	 * @param address the remote address that created the queue (it counts against that
	 * address's bound)
	 * @param capacity most messages held for a parked request
	 * @param maxBatch most messages in one answer
	 * @param answers the executor that completes parked requests
	 * @param nowMillis the time of the creating request
	 */
	ClientQueue(String clientId, String room, String address, int capacity, int maxBatch, Executor answers,
			long nowMillis) {
		this.clientId = clientId;
		this.room = room;
		this.address = address;
		this.capacity = capacity;
		this.maxBatch = maxBatch;
		this.answers = answers;
		this.lastSeenMillis = nowMillis;
	}

	String clientId() {
		return this.clientId;
	}

	String room() {
		return this.room;
	}

	String address() {
		return this.address;
	}

	long lastSeenMillis() {
		return this.lastSeenMillis;
	}

	void touch(long nowMillis) {
		this.lastSeenMillis = nowMillis;
	}

	/**
	 * Starts (or restarts) the queue from a cursor: everything queued is dropped, the
	 * previous subscription ends, and the queue subscribes to live messages; the retained
	 * ones after {@code after} are read from the room's log by the next request.
	 * @param broker the hub
	 * @param after the cursor, or -1 for live messages only
	 */
	void start(Broker broker, long after) {
		Feed next = new Feed();
		// live only: the room's newest id now is the cursor (taken before subscribing, so
		// a message published in between is read from the log, not lost)
		long cursor = (after >= 0) ? after : broker.lastId(this.room);
		Subscription old;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.broker = broker;
			old = this.subscription;
			this.subscription = null;
			this.feed = next;
			this.pending.clear();
			this.lastEnqueued = cursor;
			this.handedOut = cursor;
			// a cursor from the client: the log may hold messages after it
			this.behind = after >= 0;
		}
		if (old != null) {
			old.close();
		}
		Subscription subscription = broker.subscribe(this.room, -1, next, this.address);
		synchronized (this) {
			if (this.feed == next && !this.closed) {
				this.subscription = subscription;
				return;
			}
		}
		subscription.close();
	}

	/**
	 * @param after the client's cursor
	 * @return true when the client asks again for messages it was already given (a
	 * response was lost): the queue must be rebuilt from history
	 */
	synchronized boolean needsReplay(long after) {
		return after < this.handedOut;
	}

	/**
	 * Serves one request: answers at once with what is queued or retained after
	 * {@code after}, or parks {@code waiter} (an older parked request is answered empty).
	 * @param after the client's cursor, or -1 when it sent none
	 * @param waiter the request, should it have to wait
	 * @param park whether the request may wait at all
	 * @return the batch to answer with at once, or {@code null} when the request is
	 * parked
	 */
	Batch poll(long after, Waiter waiter, boolean park) {
		return poll(after, waiter, park, 0);
	}

	/**
	 * Serves one request, as {@link #poll(long, Waiter, boolean)}, with a timeout.
	 * @param after the client's cursor, or -1 when it sent none
	 * @param waiter the request, should it have to wait
	 * @param park whether the request may wait at all
	 * @param parkUntil when a parked request times out ({@link System#nanoTime()}): from
	 * then on {@link #expire(long)} hands it back; 0 for never
	 * @return the batch to answer with at once, or {@code null} when the request is
	 * parked
	 */
	Batch poll(long after, Waiter waiter, boolean park, long parkUntil) {
		Waiter older;
		synchronized (this) {
			if (after > this.lastEnqueued) {
				this.lastEnqueued = after;
			}
			if (after > this.handedOut) {
				this.handedOut = after;
			}
			while (!this.pending.isEmpty() && this.pending.peekFirst().id() <= after) {
				this.pending.pollFirst();
			}
			older = this.parked;
			this.parked = null;
		}
		if (older != null) {
			older.complete(Batch.EMPTY);
		}
		while (true) {
			long from;
			synchronized (this) {
				if (!this.pending.isEmpty() || this.closed || (!this.behind && !park)) {
					return take();
				}
				if (!this.behind) {
					this.parked = waiter;
					this.parkedUntil = parkUntil;
					return null;
				}
				from = this.handedOut;
			}
			Slice slice;
			try {
				slice = this.broker.read(this.room, from, this.maxBatch);
			}
			catch (BrokerUnavailableException ex) {
				synchronized (this) {
					if (!park || this.closed) {
						return Batch.EMPTY;
					}
					// a later delivery signals, and the answer reads the log again
					this.parked = waiter;
					this.parkedUntil = parkUntil;
					return null;
				}
			}
			synchronized (this) {
				if (this.handedOut != from || !this.pending.isEmpty()) {
					// another request of the same client moved the cursor meanwhile
					continue;
				}
				Batch batch = fromLog(slice);
				if (!batch.isEmpty() || batch.gap() || !park || this.closed) {
					return batch;
				}
				// nothing new: park, unless something arrived during the read
			}
		}
	}

	/**
	 * Forgets {@code waiter} if it is still the parked request (it timed out or its
	 * client went away); the queue then keeps no messages, only its cursor.
	 */
	synchronized void unpark(Waiter waiter) {
		if (this.parked == waiter) {
			this.parked = null;
			dropPending();
		}
	}

	/**
	 * Hands back the parked request if its timeout has passed; the queue then keeps no
	 * messages, only its cursor. Cheap when nothing is due: one volatile read, no lock.
	 * @param now {@link System#nanoTime()}
	 * @return the request, to be answered empty (outside every lock), or {@code null}
	 */
	Waiter expire(long now) {
		long until = this.parkedUntil;
		if (until == 0 || now - until < 0) {
			return null;
		}
		synchronized (this) {
			Waiter waiter = this.parked;
			if (waiter != null && now - this.parkedUntil < 0) {
				// parked again meanwhile, with a later timeout
				return null;
			}
			this.parked = null;
			this.parkedUntil = 0;
			if (waiter != null) {
				dropPending();
			}
			return waiter;
		}
	}

	synchronized boolean isParked() {
		return this.parked != null;
	}

	/**
	 * @return the messages the queue holds now (only a parked request's)
	 */
	synchronized int size() {
		return this.pending.size();
	}

	/**
	 * Closes the queue: the parked request (if any) is answered empty, the subscription
	 * ends.
	 */
	void close() {
		Waiter waiter = shut();
		if (waiter != null) {
			waiter.complete(Batch.EMPTY);
		}
	}

	/**
	 * Closes the queue for the recovery drill: the parked request (if any) is told it was
	 * dropped, the subscription ends.
	 * @return whether a request was parked
	 */
	boolean drop() {
		Waiter waiter = shut();
		if (waiter != null) {
			waiter.dropped();
		}
		return waiter != null;
	}

	/** Closes, ends the subscription, and hands back the parked request, if any. */
	private Waiter shut() {
		Waiter waiter;
		Subscription old;
		synchronized (this) {
			this.closed = true;
			this.feed = null;
			waiter = this.parked;
			this.parked = null;
			old = this.subscription;
			this.subscription = null;
			this.pending.clear();
		}
		if (old != null) {
			old.close();
		}
		return waiter;
	}

	/** Adds a message; call with the monitor held. @return false when closed */
	private boolean enqueue(Feed from, Envelope envelope) {
		if (this.closed || this.feed != from) {
			return false;
		}
		if (envelope.id() <= this.lastEnqueued) {
			return true;
		}
		this.lastEnqueued = envelope.id();
		if (this.parked != null && !this.behind && this.pending.size() < this.capacity) {
			this.pending.addLast(envelope);
		}
		else {
			// nobody waits (or the parked request's share is full): the log has it
			this.behind = true;
		}
		return true;
	}

	/** Keeps only the cursor; call with the monitor held. */
	private void dropPending() {
		if (!this.pending.isEmpty()) {
			this.pending.clear();
			this.behind = true;
		}
	}

	/**
	 * Hands the parked request's answer to the executor, once per parked request; call
	 * with the monitor held.
	 */
	private void signal() {
		if (this.parked == null || this.signalled) {
			return;
		}
		this.signalled = true;
		try {
			this.answers.execute(this::answerParked);
		}
		catch (RejectedExecutionException ex) {
			// shutting down: close() answers the parked request
			this.signalled = false;
		}
	}

	/**
	 * On the executor: answers the parked request with everything queued now, or with
	 * what the log holds after its cursor when the queue is behind.
	 */
	private void answerParked() {
		Waiter waiter;
		Batch batch = null;
		long from;
		synchronized (this) {
			this.signalled = false;
			waiter = this.parked;
			if (waiter == null) {
				return;
			}
			if (!this.pending.isEmpty() || !this.behind) {
				this.parked = null;
				batch = take();
			}
			from = this.handedOut;
		}
		if (batch == null) {
			Slice slice;
			try {
				slice = this.broker.read(this.room, from, this.maxBatch);
			}
			catch (BrokerUnavailableException ex) {
				// stays parked: the next delivery (or the timeout) answers it
				return;
			}
			synchronized (this) {
				if (this.parked != waiter || this.handedOut != from || !this.pending.isEmpty()) {
					return;
				}
				batch = fromLog(slice);
				if (batch.isEmpty() && !batch.gap()) {
					return;
				}
				this.parked = null;
			}
		}
		waiter.complete(batch);
	}

	/**
	 * Takes the next answer from what is pending; what is left over (more than one
	 * answer) is dropped and read from the log later. Call with the monitor held.
	 */
	private Batch take() {
		int n = Math.min(this.maxBatch, this.pending.size());
		List<Envelope> batch = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			batch.add(this.pending.pollFirst());
		}
		if (!batch.isEmpty()) {
			this.handedOut = batch.get(batch.size() - 1).id();
		}
		dropPending();
		return new Batch(batch, false);
	}

	/**
	 * Takes the next answer from a read of the log after {@code handedOut}. Call with the
	 * monitor held.
	 */
	private Batch fromLog(Slice slice) {
		List<Envelope> fresh = new ArrayList<>(slice.messages().size());
		for (Envelope envelope : slice.messages()) {
			if (envelope.id() > this.handedOut) {
				fresh.add(envelope);
			}
		}
		if (!fresh.isEmpty()) {
			this.handedOut = fresh.get(fresh.size() - 1).id();
		}
		this.lastEnqueued = Math.max(this.lastEnqueued, Math.max(slice.last(), this.handedOut));
		this.behind = this.handedOut < this.lastEnqueued;
		return new Batch(fresh, slice.gap());
	}

	/**
	 * The hub's subscriber for one subscription of the queue: it only enqueues and
	 * signals, under the queue's monitor, and never builds or sends a response.
	 */
	private final class Feed implements Subscriber {

		@Override
		public boolean deliver(Envelope envelope) {
			synchronized (ClientQueue.this) {
				if (!enqueue(this, envelope)) {
					return false;
				}
				signal();
				return true;
			}
		}

	}

}
