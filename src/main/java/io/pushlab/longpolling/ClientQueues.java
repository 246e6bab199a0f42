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
import java.util.concurrent.atomic.AtomicLong;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.hub.RoomOwners;
import io.pushlab.technique.Droppable;
import io.pushlab.technique.Technique;
import io.pushlab.stats.Evictions;
import io.pushlab.web.TooManyRequestsException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The registry of long-polling queues, one per (client, room). Builds a queue from the
 * client's cursor when it has none (first request, evicted, or another instance served
 * the client before), rebuilds it from history when the client asks again from an older
 * cursor, and evicts queues whose client has not polled for {@code client-ttl}. Queues
 * are bounded: at most {@code max-queues} in all and {@code max-queues-per-address}
 * created from one remote address (not a loopback one, unless {@code limit-loopback}); a
 * request that would create one more is refused with 429 (a loop of fresh client ids
 * cannot grow memory). Parked requests are answered (204) within {@link #EXPIRY_PERIOD}
 * of their timeout. On shutdown every parked request is answered at once.
 */
@Component
public class ClientQueues implements SmartLifecycle, DisposableBean, Droppable {

	record Key(String clientId, String room) {
	}

	/** {@code pushlab.rejected} reason: the instance holds {@code max-queues}. */
	static final String QUEUES_FULL = "longpoll_queues_full";

	/**
	 * {@code pushlab.rejected} reason: the address holds {@code max-queues-per-address}.
	 */
	static final String ADDRESS_QUEUES_FULL = "longpoll_queues_per_address";

	/**
	 * How often parked requests are checked for their timeout. The container checks async
	 * timeouts once a second, so a {@code timeout=100} poll waited up to 1.1 s; a timer
	 * per request instead woke a timer thread for every parked request (a few percent of
	 * a long poll's CPU at 1,000 clients).
	 */
	static final Duration EXPIRY_PERIOD = Duration.ofMillis(25);

	private final ConcurrentMap<Key, ClientQueue> queues = new ConcurrentHashMap<>();

	/** Queues held, counted when created and when removed (the bound's count). */
	private final AtomicInteger held = new AtomicInteger();

	/** Queues held per remote address; an address without queues has no entry. */
	private final ConcurrentMap<String, Integer> perAddress = new ConcurrentHashMap<>();

	private final AtomicLong evicted = new AtomicLong();

	private final Evictions evictions;

	private final Broker broker;

	private final PushLabProperties.LongPolling settings;

	private final TaskScheduler scheduler;

	private final Clock clock;

	/** Completes parked requests, outside every hub lock. */
	private final ExecutorService answers;

	private volatile boolean running;

	private ScheduledFuture<?> eviction;

	private ScheduledFuture<?> expiry;

	public ClientQueues(Broker broker, PushLabProperties properties, TaskScheduler scheduler, Clock clock,
			Evictions evictions) {
		this.broker = broker;
		this.evictions = evictions;
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
	 * @param address the request's remote address
	 * @return the queue, up to date with the cursor
	 * @throws TooManyRequestsException when a new queue would break a bound
	 */
	ClientQueue obtain(String clientId, String room, long after, String address) {
		long now = this.clock.millis();
		Key key = new Key(clientId, room);
		boolean[] created = { false };
		if (!this.queues.containsKey(key)) {
			// a room the hub cannot create: refused before a queue is counted
			this.broker.admit(room, address);
		}
		ClientQueue queue = this.queues.computeIfAbsent(key, (k) -> {
			admit(address);
			created[0] = true;
			return new ClientQueue(clientId, room, address, this.settings.queueCapacity(), this.settings.maxBatch(),
					this.answers, now);
		});
		queue.touch(now);
		if (created[0] || (after >= 0 && queue.needsReplay(after))) {
			try {
				queue.start(this.broker, after);
			}
			catch (RuntimeException ex) {
				// the room could not be subscribed (room bound reached meanwhile)
				remove(key, queue);
				throw ex;
			}
		}
		return queue;
	}

	/** Counts one more queue, or refuses it when a bound is reached. */
	private void admit(String address) {
		long retryAfter = Math.max(1, (this.settings.clientTtl().toMillis() + 999) / 1000);
		if (this.held.incrementAndGet() > this.settings.maxQueues()) {
			this.held.decrementAndGet();
			throw new TooManyRequestsException(QUEUES_FULL, "client: the server holds its maximum of "
					+ this.settings.maxQueues() + " long-polling queues; try again later", retryAfter);
		}
		if (RoomOwners.limited(address, this.settings.limitLoopback()) == null) {
			// a client on this machine (or none): bounded by max-queues only
			return;
		}
		boolean[] refused = { false };
		this.perAddress.compute(address, (a, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.settings.maxQueuesPerAddress()) {
				refused[0] = true;
				return count;
			}
			return current + 1;
		});
		if (refused[0]) {
			this.held.decrementAndGet();
			throw new TooManyRequestsException(ADDRESS_QUEUES_FULL, "client: your address holds "
					+ this.settings.maxQueuesPerAddress()
					+ " long-polling queues, the most allowed; reuse your client id, or wait until idle ones expire (client-ttl "
					+ this.settings.clientTtl().toSeconds() + " s)", retryAfter);
		}
	}

	/** Removes a queue that is still registered under its key, and closes it. */
	private boolean remove(Key key, ClientQueue queue) {
		if (!unregister(key, queue)) {
			return false;
		}
		queue.close();
		return true;
	}

	/** Forgets a queue still registered under its key, in every count. */
	private boolean unregister(Key key, ClientQueue queue) {
		if (!this.queues.remove(key, queue)) {
			return false;
		}
		this.held.decrementAndGet();
		this.perAddress.computeIfPresent(queue.address(), (a, count) -> (count > 1) ? count - 1 : null);
		return true;
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
	 * @param clientId a client
	 * @param room a room
	 * @return the messages the client's queue for the room holds now (0 when it has none)
	 */
	int held(String clientId, String room) {
		ClientQueue queue = this.queues.get(new Key(clientId, room));
		return (queue != null) ? queue.size() : 0;
	}

	/**
	 * @param address a remote address
	 * @return the number of queues created from it and held now
	 */
	public int size(String address) {
		return this.perAddress.getOrDefault(address, 0);
	}

	/**
	 * @return the number of queues removed because their client stopped polling, since
	 * start-up
	 */
	public long evicted() {
		return this.evicted.get();
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
			if (entry.getKey().room().equals(room) && unregister(entry.getKey(), entry.getValue())
					&& entry.getValue().drop()) {
				parked++;
			}
		}
		return parked;
	}

	/** Answers empty (204) every parked request whose timeout has passed. */
	void expireParked() {
		long now = System.nanoTime();
		for (ClientQueue queue : this.queues.values()) {
			ClientQueue.Waiter waiter = queue.expire(now);
			if (waiter != null) {
				waiter.complete(ClientQueue.Batch.EMPTY);
			}
		}
	}

	/** Removes the queues whose client has not polled for {@code client-ttl}. */
	void evictIdle() {
		long cutoff = this.clock.millis() - this.settings.clientTtl().toMillis();
		this.queues.forEach((key, queue) -> {
			if (queue.lastSeenMillis() < cutoff && !queue.isParked() && remove(key, queue)) {
				this.evicted.incrementAndGet();
				this.evictions.evicted(Evictions.QUEUES);
			}
		});
	}

	@Override
	public void start() {
		Duration ttl = this.settings.clientTtl();
		Duration period = Duration.ofMillis(Math.max(50, Math.min(5000, ttl.toMillis() / 4)));
		this.eviction = this.scheduler.scheduleWithFixedDelay(this::evictIdle, period);
		this.expiry = this.scheduler.scheduleWithFixedDelay(this::expireParked, EXPIRY_PERIOD);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.eviction != null) {
			this.eviction.cancel(false);
		}
		if (this.expiry != null) {
			this.expiry.cancel(false);
		}
		this.queues.forEach(this::remove);
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
