package io.pushlab.longpolling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;

/**
 * One long-polling client's queue for one room: it keeps the room's messages between two
 * requests (at most {@code capacity}; on overflow the oldest go and the next response
 * says {@code gap}), holds the client's one parked request, and completes it when a
 * message arrives. Never hands out a message twice unless the client asks again from an
 * older cursor. Thread-safe: every state change happens under the queue's monitor, and no
 * I/O happens there.
 */
final class ClientQueue implements Subscriber {

	/** A response to hand to a request: the messages (may be empty) and the gap flag. */
	record Batch(List<Envelope> messages, boolean gap) {

		boolean isEmpty() {
			return this.messages.isEmpty();
		}

	}

	/** A parked request: called once with the batch that completes it. */
	interface Waiter {

		void complete(Batch batch);

	}

	private final String clientId;

	private final String room;

	private final int capacity;

	private final int maxBatch;

	private final ArrayDeque<Envelope> pending = new ArrayDeque<>();

	private long lastEnqueued = -1;

	private long handedOut = -1;

	private boolean gap;

	private Waiter parked;

	private Subscription subscription;

	private boolean closed;

	private volatile long lastSeenMillis;

	ClientQueue(String clientId, String room, int capacity, int maxBatch, long nowMillis) {
		this.clientId = clientId;
		this.room = room;
		this.capacity = capacity;
		this.maxBatch = maxBatch;
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
	 * Starts (or restarts) the queue from a cursor: everything queued is dropped and the
	 * queue continues with the messages after {@code after}.
	 * @param after the cursor, or -1 for live messages only
	 */
	synchronized void resetTo(long after) {
		this.pending.clear();
		this.lastEnqueued = after;
		this.handedOut = after;
		this.gap = false;
	}

	synchronized void attach(Subscription subscription) {
		this.subscription = subscription;
		if (subscription.gap()) {
			this.gap = true;
		}
		if (this.closed) {
			subscription.close();
		}
	}

	synchronized Subscription detach() {
		Subscription old = this.subscription;
		this.subscription = null;
		return old;
	}

	/**
	 * @param after the client's cursor
	 * @return true when the client asks again for messages it was already given (a
	 * response was lost): the queue must be rebuilt from history
	 */
	synchronized boolean needsReplay(long after) {
		return after < this.handedOut;
	}

	@Override
	public synchronized boolean deliver(Envelope envelope) {
		if (this.closed) {
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
		if (this.parked != null) {
			Waiter waiter = this.parked;
			this.parked = null;
			waiter.complete(take());
		}
		return true;
	}

	/**
	 * Serves one request: answers at once with what is queued after {@code after}, or
	 * parks {@code waiter} (completing an older parked request with an empty batch).
	 * @param after the client's cursor, or -1 when it sent none
	 * @param waiter the request, should it have to wait
	 * @param park whether the request may wait at all
	 * @return the batch to answer with at once, or {@code null} when the request is
	 * parked
	 */
	synchronized Batch poll(long after, Waiter waiter, boolean park) {
		if (after > this.lastEnqueued) {
			this.lastEnqueued = after;
		}
		if (after > this.handedOut) {
			this.handedOut = after;
		}
		while (!this.pending.isEmpty() && this.pending.peekFirst().id() <= after) {
			this.pending.pollFirst();
		}
		Waiter older = this.parked;
		this.parked = null;
		if (older != null) {
			older.complete(new Batch(List.of(), false));
		}
		if (!this.pending.isEmpty() || this.gap || !park || this.closed) {
			return take();
		}
		this.parked = waiter;
		return null;
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
	 * is handed to {@code release}.
	 */
	void close(Consumer<Subscription> release) {
		Waiter waiter;
		Subscription old;
		synchronized (this) {
			this.closed = true;
			waiter = this.parked;
			this.parked = null;
			old = this.subscription;
			this.subscription = null;
			this.pending.clear();
		}
		if (waiter != null) {
			waiter.complete(new Batch(List.of(), false));
		}
		if (old != null) {
			release.accept(old);
		}
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

}
