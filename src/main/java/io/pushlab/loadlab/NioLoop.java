package io.pushlab.loadlab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One selector thread of the load generator: it owns a set of {@link NioConnection}s and
 * runs everything that touches them (connects, reads, writes, parsing, timers), so a
 * connection needs no lock. Other threads hand it work with {@link #execute(Runnable)}.
 * The thread ends when the loop is closed; it never blocks except in
 * {@link Selector#select(long)}.
 */
final class NioLoop implements AutoCloseable {

	/**
	 * Bytes read from a socket at a time; one buffer per loop, shared by its connections.
	 */
	static final int READ_BUFFER = 64 * 1024;

	private final Selector selector;

	private final Thread thread;

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	private final PriorityQueue<Timer> timers = new PriorityQueue<>();

	private final byte[] readBytes = new byte[READ_BUFFER];

	private final ByteBuffer readBuffer = ByteBuffer.wrap(this.readBytes);

	private long timerSequence;

	private volatile boolean running = true;

	/**
	 * A task due at a time of {@link System#nanoTime()}; cancel before it runs to drop
	 * it.
	 */
	static final class Timer implements Comparable<Timer> {

		final long due;

		final long sequence;

		final Runnable task;

		boolean cancelled;

		Timer(long due, long sequence, Runnable task) {
			this.due = due;
			this.sequence = sequence;
			this.task = task;
		}

		void cancel() {
			this.cancelled = true;
		}

		@Override
		public int compareTo(Timer other) {
			int byDue = Long.compare(this.due - other.due, 0);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, other.sequence);
		}

	}

	NioLoop(String name) {
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Runs {@code task} on the loop's thread, soon. Any thread. */
	void execute(Runnable task) {
		this.tasks.add(task);
		if (Thread.currentThread() != this.thread && this.wakeupPending.compareAndSet(false, true)) {
			this.selector.wakeup();
		}
	}

	/**
	 * Runs {@code task} on the loop's thread after {@code delayMillis}. Loop thread only.
	 * @return the timer, to cancel it
	 */
	Timer schedule(Runnable task, long delayMillis) {
		Timer timer = new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis)),
				this.timerSequence++, task);
		this.timers.add(timer);
		return timer;
	}

	boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	Selector selector() {
		return this.selector;
	}

	/**
	 * CPU time the loop's thread has used, in nanoseconds; -1 when the JVM cannot say.
	 */
	long cpuNanos() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		if (!threads.isThreadCpuTimeSupported()) {
			return -1;
		}
		@SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
		long id = this.thread.getId();
		return threads.getThreadCpuTime(id);
	}

	private void run() {
		while (this.running) {
			try {
				long wait = runTimers();
				if (this.tasks.isEmpty()) {
					if (wait == 0) {
						this.selector.selectNow();
					}
					else {
						this.selector.select((wait < 0) ? 1000 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
					}
				}
				else {
					this.selector.selectNow();
				}
				this.wakeupPending.set(false);
				for (SelectionKey key : this.selector.selectedKeys()) {
					if (key.isValid()) {
						((NioConnection) key.attachment()).ready(key, this.readBuffer, this.readBytes);
					}
				}
				this.selector.selectedKeys().clear();
				runTasks();
			}
			catch (IOException | RuntimeException ex) {
				// a connection's own failures are handled in it; keep the loop alive
			}
		}
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	/**
	 * Runs the due timers; returns nanoseconds until the next one, -1 when there is none.
	 */
	private long runTimers() {
		long now = System.nanoTime();
		Timer next;
		while ((next = this.timers.peek()) != null) {
			if (next.cancelled) {
				this.timers.poll();
				continue;
			}
			if (next.due - now > 0) {
				return next.due - now;
			}
			this.timers.poll();
			safely(next.task);
		}
		return -1;
	}

	private void runTasks() {
		// bounded: tasks added while these run wait for the next turn
		for (int n = this.tasks.size(); n > 0; n--) {
			Runnable task = this.tasks.poll();
			if (task == null) {
				return;
			}
			safely(task);
		}
	}

	private static void safely(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			// one connection's bug must not stop the others
		}
	}

	/** Stops the thread (its connections should be closed first) and waits for it. */
	@Override
	public void close() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
