package io.pushlab.cluster;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one thread that hands what this instance hears on pub/sub (messages, presence
 * lists, private messages) to local subscribers, in the order Redis published it, and
 * runs the broker's catch-up reads. Its queue is bounded
 * ({@code pushlab.redis.fanout-capacity}): a task that finds it full is not queued, and
 * never waited for (the pub/sub connection's I/O thread must not block), but counted as
 * {@code pushlab.redis.fanout.dropped{kind}}; the caller decides how it recovers (a
 * message is read back from the shared log, a presence list is re-read). Thread-safe.
 */
final class FanOut {

	private static final Log logger = LogFactory.getLog(FanOut.class);

	private final ThreadPoolExecutor executor;

	private final MeterRegistry registry;

	private final ConcurrentMap<String, Counter> dropped = new ConcurrentHashMap<>();

	FanOut(int capacity, MeterRegistry registry) {
		this.registry = registry;
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
				(runnable) -> {
					Thread thread = new Thread(runnable, "pushlab-redis-fanout");
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.AbortPolicy());
		Gauge.builder("pushlab.redis.fanout.queued", this.executor, (executor) -> executor.getQueue().size())
			.description("Tasks waiting for the Redis fan-out thread")
			.register(registry);
	}

	/**
	 * Queues a task, or drops it (counted) when the queue is full or the fan-out has
	 * stopped.
	 * @param kind what the task carries ({@code messages}, {@code presence},
	 * {@code private}, {@code sync}), the meter's tag
	 * @param task the task
	 * @return whether it was queued
	 */
	boolean execute(String kind, Runnable task) {
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
			if (!this.executor.isShutdown()) {
				this.dropped.computeIfAbsent(kind, this::counter).increment();
			}
			return false;
		}
	}

	/**
	 * @return tasks waiting now
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
