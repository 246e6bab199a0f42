package io.pushlab.cluster;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one thread that hands what this instance hears on pub/sub (messages, presence
 * lists, private messages) to local subscribers, in the order Redis published it, and
 * runs the broker's catch-up reads, all in one queue, in the order they were handed over.
 * What {@link #execute} queues is bounded ({@code pushlab.redis.fanout-capacity} such
 * tasks waiting at once): a task that finds that many waiting is not queued, and never
 * waited for (the pub/sub connection's I/O thread must not block), but counted as
 * {@code pushlab.redis.fanout.dropped{kind}}; the caller decides how it recovers (a
 * message is read back from the shared log, a presence list is re-read). What
 * {@link #executeAlways} queues (private messages, which nothing could recover) is never
 * dropped and does not count against that bound. Thread-safe.
 */
final class FanOut {

	private static final Log logger = LogFactory.getLog(FanOut.class);

	private final ThreadPoolExecutor executor;

	private final MeterRegistry registry;

	private final ConcurrentMap<String, Counter> dropped = new ConcurrentHashMap<>();

	private final int capacity;

	/** Bounded tasks queued and not started yet. */
	private final AtomicInteger bounded = new AtomicInteger();

	FanOut(int capacity, MeterRegistry registry) {
		this.registry = registry;
		this.capacity = capacity;
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, "pushlab-redis-fanout");
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.AbortPolicy());
		Gauge.builder("pushlab.redis.fanout.queued", this.executor, (executor) -> executor.getQueue().size())
			.description("Tasks waiting for the Redis fan-out thread (bounded ones and private messages)")
			.register(registry);
	}

	/**
	 * Queues a task, or drops it (counted) when {@code fanout-capacity} bounded tasks
	 * wait already or the fan-out has stopped.
	 * @param kind what the task carries ({@code messages}, {@code presence},
	 * {@code sync}), the meter's tag
	 * @param task the task
	 * @return whether it was queued
	 */
	boolean execute(String kind, Runnable task) {
		if (this.bounded.incrementAndGet() > this.capacity) {
			this.bounded.decrementAndGet();
			if (!this.executor.isShutdown()) {
				this.dropped.computeIfAbsent(kind, this::counter).increment();
			}
			return false;
		}
		if (!submit(kind, () -> {
			this.bounded.decrementAndGet();
			task.run();
		})) {
			this.bounded.decrementAndGet();
			return false;
		}
		return true;
	}

	/**
	 * Queues a task whatever the queue holds, after every task queued before it: for what
	 * nothing could recover if it were dropped (a private message). Only a stopped
	 * fan-out refuses it.
	 * @param kind what the task carries ({@code private}), for the log
	 * @param task the task
	 * @return whether it was queued (false only once the fan-out has stopped)
	 */
	boolean executeAlways(String kind, Runnable task) {
		return submit(kind, task);
	}

	private boolean submit(String kind, Runnable task) {
		try {
			this.executor.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.warn("A Redis fan-out task (" + kind + ") failed", ex);
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	/**
	 * @return tasks waiting now, bounded ones and private messages
	 */
	int queued() {
		return this.executor.getQueue().size();
	}

	/**
	 * @param kind a task kind
	 * @return how many tasks of that kind were dropped so far
	 */
	long dropped(String kind) {
		Counter counter = this.dropped.get(kind);
		return (counter != null) ? (long) counter.count() : 0;
	}

	void shutdown() {
		this.executor.shutdownNow();
	}

	private Counter counter(String kind) {
		return Counter.builder("pushlab.redis.fanout.dropped")
			.tag("kind", kind)
			.description("Pub/sub deliveries and catch-ups dropped because the Redis fan-out queue was full")
			.register(this.registry);
	}

}
