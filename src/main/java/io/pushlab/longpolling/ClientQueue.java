package io.pushlab.longpolling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.pushlab.hub.Broker;
import io.pushlab.hub.Envelope;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;

/**
 * One long-polling client's queue for one room: it keeps the room's messages between two
 * requests (at most {@code capacity}; on overflow the oldest go and the next response
 * says {@code gap}) and holds the client's one parked request. The hub's side only
 * enqueues and signals: when a message arrives for a parked request, the answer is handed
 * to the {@code answers} executor, which takes everything queued by the time it runs
 * (messages that keep arriving meanwhile go into the same answer) and completes the
 * request there, outside every hub lock; the JSON is built by the request's
 * {@link Waiter}. Never hands out a message twice unless the client asks again from an
 * older cursor. Thread-safe: state changes happen under the queue's monitor, which is
 * never held while calling the hub or a waiter.
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

	private final int capacity;

	private final int maxBatch;

	private final Executor answers;

	private final ArrayDeque<Envelope> pending = new ArrayDeque<>();

	private long lastEnqueued = -1;

	private long handedOut = -1;

	private boolean gap;

	private Waiter parked;

	/** An answer for the parked request is on its way to the executor. */
	private boolean signalled;

	/** The hub's subscriber of the current subscription; older ones are ignored. */
	private Feed feed;

	private Subscription subscription;

	private boolean closed;

	private volatile long lastSeenMillis;

	ClientQueue(String clientId, String room, int capacity, int maxBatch, Executor answers, long nowMillis) {
		this.clientId = clientId;
		this.room = room;
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

	long lastSeenMillis() {
		return this.lastSeenMillis;
	}

	void touch(long nowMillis) {
		this.lastSeenMillis = nowMillis;
	}

	/**
	 * Starts (or restarts) the queue from a cursor through the hub's replay: everything
	 * queued is dropped, the previous subscription ends, and the queue continues with the
	 * retained messages after {@code after}, then live ones.
	 * @param broker the hub
	 * @param after the cursor, or -1 for live messages only
	 */
	void start(Broker broker, long after) {
		Feed next = new Feed();
		Subscription old;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			old = this.subscription;
			this.subscription = null;
			this.feed = next;
			this.pending.clear();
			this.lastEnqueued = after;
			this.handedOut = after;
			this.gap = false;
		}
		if (old != null) {
			old.close();
		}
		Subscription subscription = broker.subscribe(this.room, after, next);
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
	 * Serves one request: answers at once with what is queued after {@code after}, or
	 * parks {@code waiter} (an older parked request is answered empty).
	 * @param after the client's cursor, or -1 when it sent none
	 * @param waiter the request, should it have to wait
	 * @param park whether the request may wait at all
	 * @return the batch to answer with at once, or {@code null} when the request is
	 * parked
	 */
	Batch poll(long after, Waiter waiter, boolean park) {
		Waiter older;
		Batch now = null;
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
			if (!this.pending.isEmpty() || this.gap || !park || this.closed) {
				now = take();
			}
			else {
				this.parked = waiter;
			}
		}
		if (older != null) {
			older.complete(Batch.EMPTY);
		}
		return now;
	}

	/**
	 * Forgets {@code waiter} if it is still the parked request (it timed out or its
	 * client went away).
	 */
	synchronized void unpark(Waiter waiter) {
		if (this.parked == waiter) {
			this.parked = null;
		}
	}

	synchronized boolean isParked() {
		return this.parked != null;
	}

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
		if (this.pending.size() >= this.capacity) {
			this.pending.pollFirst();
			this.gap = true;
		}
		this.pending.addLast(envelope);
		this.lastEnqueued = envelope.id();
		return true;
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

	/** On the executor: answers the parked request with everything queued now. */
	private void answerParked() {
		Waiter waiter;
		Batch batch;
		synchronized (this) {
			this.signalled = false;
			waiter = this.parked;
			if (waiter == null) {
				return;
			}
			this.parked = null;
			batch = take();
		}
		waiter.complete(batch);
	}

	private Batch take() {
		int n = Math.min(this.maxBatch, this.pending.size());
		List<Envelope> batch = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			batch.add(this.pending.pollFirst());
		}
		if (!batch.isEmpty()) {
			this.handedOut = batch.get(batch.size() - 1).id();
		}
		boolean reportGap = this.gap;
		this.gap = false;
		return new Batch(batch, reportGap);
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

		@Override
		public boolean replay(List<Envelope> messages, boolean gap) {
			synchronized (ClientQueue.this) {
				if (gap && this == ClientQueue.this.feed) {
					ClientQueue.this.gap = true;
				}
				for (Envelope envelope : messages) {
					if (!enqueue(this, envelope)) {
						return false;
					}
				}
				signal();
				return true;
			}
		}

	}

}
