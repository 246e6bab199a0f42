package io.pushlab.longpolling;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.technique.Droppable;
import io.pushlab.technique.Technique;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The registry of long-polling queues, one per (client, room). Builds a queue from the
 * client's cursor when it has none (first request, evicted, or another instance served
 * the client before), rebuilds it from history when the client asks again from an older
 * cursor, and evicts queues whose client has not polled for {@code client-ttl}. On
 * shutdown every parked request is answered at once.
 */
@Component
public class ClientQueues implements SmartLifecycle, DisposableBean, Droppable {

	record Key(String clientId, String room) {
	}

	private final ConcurrentMap<Key, ClientQueue> queues = new ConcurrentHashMap<>();

	private final Broker broker;

	private final PushLabProperties.LongPolling settings;

	private final TaskScheduler scheduler;

	private final Clock clock;

	/** Completes parked requests, outside every hub lock. */
	private final ExecutorService answers;

	private volatile boolean running;

	private ScheduledFuture<?> eviction;

	public ClientQueues(Broker broker, PushLabProperties properties, TaskScheduler scheduler, Clock clock) {
		this.broker = broker;
		this.settings = properties.longPolling();
		this.scheduler = scheduler;
		this.clock = clock;
		this.answers = answerPool();
	}

	private static ExecutorService answerPool() {
		int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (runnable) -> {
					Thread thread = new Thread(runnable, "longpoll-answer-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	/**
	 * The client's queue for the room, built from {@code after} when there is none, and
	 * rebuilt from history when {@code after} is older than what it already handed out.
	 * @param clientId the client
	 * @param room the room
	 * @param after the client's cursor, or -1 when it sent none
	 * @return the queue, up to date with the cursor
	 */
	ClientQueue obtain(String clientId, String room, long after) {
		long now = this.clock.millis();
		Key key = new Key(clientId, room);
		boolean[] created = { false };
		ClientQueue queue = this.queues.computeIfAbsent(key, (k) -> {
			created[0] = true;
			return new ClientQueue(clientId, room, this.settings.queueCapacity(), this.settings.maxBatch(),
					this.answers, now);
		});
		queue.touch(now);
		if (created[0] || (after >= 0 && queue.needsReplay(after))) {
			queue.start(this.broker, after);
		}
		return queue;
	}

	public boolean isShuttingDown() {
		return !this.running;
	}

	/**
	 * @return the number of queues held now
	 */
	public int size() {
		return this.queues.size();
	}

	/**
	 * @param clientId a client
	 * @param room a room
	 * @return whether the client has a queue for the room now
	 */
	public boolean holds(String clientId, String room) {
		return this.queues.containsKey(new Key(clientId, room));
	}

	/**
	 * @param clientId a client
	 * @param room a room
	 * @return whether the client has a request parked on its queue for the room now
	 */
	public boolean isParked(String clientId, String room) {
		ClientQueue queue = this.queues.get(new Key(clientId, room));
		return queue != null && queue.isParked();
	}

	/**
	 * @return the number of requests parked now
	 */
	public int parked() {
		return (int) this.queues.values().stream().filter(ClientQueue::isParked).count();
	}

	@Override
	public Technique technique() {
		return Technique.LONGPOLLING;
	}

	/**
	 * Forgets every queue of the room (the recovery drill): their parked requests are
	 * answered 503 by the controller, and each client's next request builds a new queue
	 * from its {@code after} cursor.
	 * @param room a room
	 * @return the number of parked requests dropped
	 */
	@Override
	public int drop(String room) {
		int parked = 0;
		for (var entry : this.queues.entrySet()) {
			if (entry.getKey().room().equals(room) && this.queues.remove(entry.getKey(), entry.getValue())
					&& entry.getValue().drop()) {
				parked++;
			}
		}
		return parked;
	}

	/** Removes the queues whose client has not polled for {@code client-ttl}. */
	void evictIdle() {
		long cutoff = this.clock.millis() - this.settings.clientTtl().toMillis();
		this.queues.forEach((key, queue) -> {
			if (queue.lastSeenMillis() < cutoff && !queue.isParked()) {
				if (this.queues.remove(key, queue)) {
					queue.close();
				}
			}
		});
	}

	@Override
	public void start() {
		Duration ttl = this.settings.clientTtl();
		Duration period = Duration.ofMillis(Math.max(50, Math.min(5000, ttl.toMillis() / 4)));
		this.eviction = this.scheduler.scheduleWithFixedDelay(this::evictIdle, period);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.eviction != null) {
			this.eviction.cancel(false);
		}
		this.queues.forEach((key, queue) -> {
			this.queues.remove(key, queue);
			queue.close();
		});
	}

	/**
	 * The answer pool outlives {@link #stop()}: a stopped context may be started again
	 * (the test framework pauses cached contexts), so the pool ends only with the bean.
	 */
	@Override
	public void destroy() {
		this.answers.shutdown();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
