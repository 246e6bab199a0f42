package io.pushlab.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A bounded, ordered hand-off from the hub to one connection's writer. {@link #offer}
 * never blocks: items are written in order, one at a time, by a task on the shared
 * executor. When the writer falls {@code capacity} items behind, or a write fails, the
 * mailbox closes and calls {@code onClose} once, on the executor, never on the caller's
 * thread: a slow or vanished connection costs only itself.
 *
 * @param <T> what is written
 */
public final class Mailbox<T> {

	/** Writes one item to the connection; may block, may throw. */
	@FunctionalInterface
	public interface Writer<T> {

		void write(T item) throws Exception;

	}

	/**
	 * Writes every item that is waiting, in order, at once (one write and one flush for a
	 * connection that fell behind); may block, may throw.
	 */
	@FunctionalInterface
	public interface BatchWriter<T> {

		void write(List<T> items) throws Exception;

	}

	/** Most items handed to a {@link BatchWriter} in one call. */
	static final int MAX_BATCH = 256;

	/** Why a mailbox closed. */
	public enum CloseReason {

		/** The writer fell too far behind. */
		OVERFLOW,
		/** A write failed (the peer went away). */
		WRITE_FAILED,
		/** {@link #close()} was called. */
		CLOSED

	}

	private final Queue<T> queue = new ConcurrentLinkedQueue<>();

	/** Items queued and not yet taken by the writer; bounds the queue. */
	private final AtomicInteger size = new AtomicInteger();

	private final int capacity;

	private final Executor executor;

	private final BatchWriter<T> writer;

	private final Consumer<CloseReason> onClose;

	private final AtomicInteger work = new AtomicInteger();

	private final AtomicInteger closed = new AtomicInteger();

	public Mailbox(int capacity, Executor executor, Writer<T> writer, Consumer<CloseReason> onClose) {
		this(capacity, executor, (BatchWriter<T>) (items) -> {
			for (T item : items) {
				writer.write(item);
			}
		}, onClose, false);
	}

	/**
	 * A mailbox whose writer takes everything waiting at once.
	 * @param <T> what is written
	 * @param capacity most items waiting before the mailbox closes as overflowed
	 * @param executor lends threads for the writes
	 * @param writer writes a batch of items, in order
	 * @param onClose told once why the mailbox closed, on the executor
	 * @return the mailbox
	 */
	public static <T> Mailbox<T> batching(int capacity, Executor executor, BatchWriter<T> writer,
			Consumer<CloseReason> onClose) {
		return new Mailbox<>(capacity, executor, writer, onClose, true);
	}

	private Mailbox(int capacity, Executor executor, BatchWriter<T> writer, Consumer<CloseReason> onClose,
			boolean batching) {
		// a linked queue costs nothing while idle: an array of capacity slots would cost
		// 8 KB per idle SSE connection (capacity 2000)
		this.capacity = capacity;
		this.executor = executor;
		this.writer = writer;
		this.onClose = onClose;
	}

	/**
	 * Queues an item for writing.
	 * @param item the item
	 * @return false when the mailbox is (now) closed
	 */
	public boolean offer(T item) {
		if (isClosed()) {
			return false;
		}
		if (this.size.incrementAndGet() > this.capacity) {
			this.size.decrementAndGet();
			closeFor(CloseReason.OVERFLOW);
			return false;
		}
		this.queue.offer(item);
		schedule();
		return true;
	}

	public boolean isClosed() {
		return this.closed.get() != 0;
	}

	/** How many items wait to be written. */
	public int backlog() {
		return Math.max(0, this.size.get());
	}

	/** Closes the mailbox; queued items are discarded and {@code onClose} runs once. */
	public void close() {
		closeFor(CloseReason.CLOSED);
	}

	private void closeFor(CloseReason reason) {
		if (this.closed.compareAndSet(0, 1)) {
			this.queue.clear();
			runAsync(() -> this.onClose.accept(reason));
		}
	}

	private void schedule() {
		if (this.work.getAndIncrement() == 0) {
			runAsync(this::drain);
		}
	}

	private void runAsync(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// shutting down: nothing more will be written
			this.closed.set(1);
			this.queue.clear();
		}
	}

	private List<T> take() {
		T first = this.queue.poll();
		if (first == null) {
			return List.of();
		}
		this.size.decrementAndGet();
		T next = this.queue.poll();
		if (next == null) {
			return List.of(first);
		}
		List<T> batch = new ArrayList<>();
		batch.add(first);
		do {
			this.size.decrementAndGet();
			batch.add(next);
		}
		while (batch.size() < MAX_BATCH && (next = this.queue.poll()) != null);
		return batch;
	}

	private void drain() {
		int missed = 1;
		do {
			List<T> batch = take();
			while (!batch.isEmpty()) {
				if (isClosed()) {
					this.queue.clear();
					break;
				}
				try {
					this.writer.write(batch);
				}
				catch (Exception ex) {
					closeFor(CloseReason.WRITE_FAILED);
				}
				batch = take();
			}
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

}
