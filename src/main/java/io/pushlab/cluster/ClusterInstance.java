package io.pushlab.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * This instance's membership of the cluster: a unique id, kept alive in Redis by a
 * heartbeat every third of {@code instance-ttl}. Each heartbeat also reaps the instances
 * whose liveness expired (their room members are removed and the rooms' new lists
 * announced), so a crashed instance leaves no ghosts.
 * <p>
 * The heartbeat, and every write that failed while Redis was away, run on a thread of
 * their own ({@code pushlab-redis-heartbeat}), never on Spring's shared scheduler: a slow
 * or absent Redis delays no SSE heartbeat, ping or eviction. A failed write is retried
 * with backoff (from 200 ms, doubling up to the heartbeat interval) until it lands; a
 * write queued again under the same key replaces the older one. When a heartbeat finds
 * that this instance had expired (Redis was away longer than {@code instance-ttl}, or
 * lost its data, and another instance may have reaped this one's members), every
 * {@link Listener} restores what this instance holds. Thread-safe.
 */
public class ClusterInstance implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(ClusterInstance.class);

	private static final Duration FIRST_RETRY = Duration.ofMillis(200);

	/**
	 * Hears this instance's life in the cluster; called on the heartbeat thread.
	 */
	interface Listener {

		/**
		 * This instance had expired in Redis and is alive again: its presence entries and
		 * name claims may be gone, and must be written again (with
		 * {@link ClusterInstance#retry}).
		 */
		void lapsed();

	}

	/**
	 * KEYS: instances. ARGV: this instance, ttl ms, prefix, presence channel. Renews this
	 * instance, then removes every expired one with its room members, announcing each
	 * changed room in {@link RedisPresence}'s format, as a sync that changed the list
	 * ({@code room\nsync\n\n1\nuser\nuser...}), so every instance sends its members the
	 * room's new list. Returns how many it removed, and 1 when this instance was unknown
	 * or expired before this beat (0 otherwise).
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> HEARTBEAT = RedisScript.of(
			"""
					local t = redis.call('TIME')
					local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
					local mine = redis.call('ZSCORE', KEYS[1], ARGV[1])
					local lapsed = (mine == false or tonumber(mine) <= now) and 1 or 0
					redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
					local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
					for _, instance in ipairs(dead) do
						local roomsKey = ARGV[3] .. 'instance:' .. instance .. ':rooms'
						for _, room in ipairs(redis.call('SMEMBERS', roomsKey)) do
							local key = ARGV[3] .. 'presence:' .. room
							local members = redis.call('HGETALL', key)
							local removed = false
							for i = 1, #members, 2 do
								if string.sub(members[i], 1, #instance + 1) == instance .. '/' then
									redis.call('HDEL', key, members[i])
									removed = true
								end
							end
							if removed then
								local users = {}
								local seen = {}
								local left = redis.call('HVALS', key)
								for _, user in ipairs(left) do
									if not seen[user] then
										seen[user] = true
										users[#users + 1] = user
									end
								end
								redis.call('PUBLISH', ARGV[4], room .. '\\nsync\\n\\n1' .. (#users > 0 and ('\\n' .. table.concat(users, '\\n')) or ''))
							end
						end
						redis.call('DEL', roomsKey)
						redis.call('ZREM', KEYS[1], instance)
					end
					return {#dead, lapsed}
					""",
			List.class);

	private final String id = UUID.randomUUID().toString();

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final Duration ttl;

	private final Duration interval;

	private final ScheduledExecutorService thread;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	/** Writes waiting for Redis, by key; guarded by itself. */
	private final Map<Object, Runnable> retries = new LinkedHashMap<>();

	/** The pending retry run, guarded by {@link #retries}. */
	private ScheduledFuture<?> retryRun;

	/** The delay before the next retry run, guarded by {@link #retries}. */
	private Duration backoff = FIRST_RETRY;

	private volatile boolean running;

	private volatile long lastBeat;

	private ScheduledFuture<?> heartbeat;

	ClusterInstance(StringRedisTemplate redis, RedisKeys keys, Duration ttl) {
		this.redis = redis;
		this.keys = keys;
		this.ttl = ttl;
		this.interval = Duration.ofMillis(Math.max(100, ttl.toMillis() / 3));
		this.thread = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "pushlab-redis-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * @return this instance's id, unique in the cluster
	 */
	public String id() {
		return this.id;
	}

	/**
	 * @param listener hears when this instance comes back after it had expired
	 */
	void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * @return when the last heartbeat that Redis answered ended
	 * ({@link System#nanoTime()}), 0 before the first
	 */
	long lastBeat() {
		return this.lastBeat;
	}

	/**
	 * @return how many writes wait for Redis
	 */
	int pendingRetries() {
		synchronized (this.retries) {
			return this.retries.size();
		}
	}

	/**
	 * Renews this instance's liveness and reaps dead instances; when this instance had
	 * expired, tells the listeners to restore what it holds. Then runs the waiting
	 * retries at once (Redis answers again).
	 * @return whether Redis answered
	 */
	boolean beat() {
		List<?> result;
		try {
			result = this.redis.execute(HEARTBEAT, List.of(this.keys.instances()), this.id,
					Long.toString(this.ttl.toMillis()), this.keys.prefix(), this.keys.presenceChannel());
		}
		catch (DataAccessException ex) {
			logger.debug("Heartbeat failed; Redis is away", ex);
			return false;
		}
		long reaped = number(result, 0);
		if (reaped > 0) {
			logger.info("Removed " + reaped + " dead instance(s) from the cluster");
		}
		boolean lapsed = number(result, 1) == 1;
		boolean first = this.lastBeat == 0;
		this.lastBeat = System.nanoTime();
		if (lapsed && !first) {
			logger.warn("This instance had expired in Redis (Redis was away for more than " + this.ttl
					+ " or lost its data): restoring its presence and names");
			for (Listener listener : this.listeners) {
				try {
					listener.lapsed();
				}
				catch (RuntimeException ex) {
					logger.warn("Restoring after a lapse failed", ex);
				}
			}
		}
		synchronized (this.retries) {
			if (!this.retries.isEmpty()) {
				this.backoff = FIRST_RETRY;
				scheduleRetries(Duration.ZERO);
			}
		}
		return true;
	}

	private static long number(List<?> result, int index) {
		if (result == null || result.size() <= index || !(result.get(index) instanceof Number number)) {
			return 0;
		}
		return number.longValue();
	}

	/**
	 * Runs a clean-up now, or retries it with backoff while Redis is away.
	 * @param action an action that throws {@link DataAccessException} when Redis is
	 * unreachable
	 */
	void runOrRetry(Runnable action) {
		try {
			action.run();
		}
		catch (DataAccessException ex) {
			retry(new Object(), action);
		}
	}

	/**
	 * Runs a write on the heartbeat thread, again and again with backoff until Redis
	 * takes it. A write under a key that is still waiting replaces it, so a write that
	 * sets a state (rather than changing it) is done once, with the newest state.
	 * @param key what the write is about
	 * @param action an action that throws {@link DataAccessException} when Redis is
	 * unreachable
	 */
	void retry(Object key, Runnable action) {
		synchronized (this.retries) {
			this.retries.remove(key);
			this.retries.put(key, action);
			if (this.retryRun == null) {
				scheduleRetries(Duration.ZERO);
			}
		}
	}

	/** Guarded by {@link #retries}. */
	private void scheduleRetries(Duration delay) {
		if (this.retryRun != null) {
			this.retryRun.cancel(false);
		}
		try {
			this.retryRun = this.thread.schedule(this::runRetries, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// shut down
			this.retryRun = null;
		}
	}

	private void runRetries() {
		List<Map.Entry<Object, Runnable>> due;
		synchronized (this.retries) {
			this.retryRun = null;
			due = new ArrayList<>(this.retries.entrySet());
		}
		boolean failed = false;
		for (Map.Entry<Object, Runnable> entry : due) {
			synchronized (this.retries) {
				// replaced or done meanwhile
				if (this.retries.get(entry.getKey()) != entry.getValue()) {
					continue;
				}
			}
			try {
				entry.getValue().run();
				synchronized (this.retries) {
					this.retries.remove(entry.getKey(), entry.getValue());
				}
			}
			catch (DataAccessException ex) {
				failed = true;
				break;
			}
			catch (RuntimeException ex) {
				logger.warn("A Redis write failed for good and is dropped", ex);
				synchronized (this.retries) {
					this.retries.remove(entry.getKey(), entry.getValue());
				}
			}
		}
		synchronized (this.retries) {
			if (this.retries.isEmpty() || this.retryRun != null) {
				this.backoff = FIRST_RETRY;
				return;
			}
			Duration delay = failed ? this.backoff : Duration.ZERO;
			if (failed) {
				Duration doubled = this.backoff.multipliedBy(2);
				this.backoff = (doubled.compareTo(this.interval) > 0) ? this.interval : doubled;
			}
			scheduleRetries(delay);
		}
	}

	private void safeBeat() {
		try {
			beat();
		}
		catch (RuntimeException ex) {
			// never let an exception end the schedule
			logger.warn("Heartbeat failed", ex);
		}
	}

	@Override
	public void start() {
		safeBeat();
		this.heartbeat = this.thread.scheduleWithFixedDelay(this::safeBeat, this.interval.toMillis(),
				this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.heartbeat != null) {
			this.heartbeat.cancel(false);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// start before, stop after the web server and the connections it holds
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	@Override
	public void destroy() {
		this.thread.shutdownNow();
	}

}
