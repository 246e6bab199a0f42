package io.pushlab.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.scheduling.TaskScheduler;

/**
 * This instance's membership of the cluster: a unique id, kept alive in Redis by a
 * heartbeat every third of {@code instance-ttl}. Each heartbeat also reaps the instances
 * whose liveness expired (their room members are removed and the rooms' new lists
 * announced), so a crashed instance leaves no ghosts; and it retries the clean-ups that
 * failed while Redis was away. Thread-safe.
 */
public class ClusterInstance implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ClusterInstance.class);

	/**
	 * KEYS: instances. ARGV: this instance, ttl ms, prefix, presence channel. Renews this
	 * instance, then removes every expired one with its room members, announcing each
	 * changed room as {@code room\nuser\nuser...}.
	 */
	private static final RedisScript<Long> HEARTBEAT = RedisScript.of(
			"""
					local t = redis.call('TIME')
					local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
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
								redis.call('PUBLISH', ARGV[4], room .. (#users > 0 and ('\\n' .. table.concat(users, '\\n')) or ''))
							end
						end
						redis.call('DEL', roomsKey)
						redis.call('ZREM', KEYS[1], instance)
					end
					return #dead
					""",
			Long.class);

	private final String id = UUID.randomUUID().toString();

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final Duration ttl;

	private final TaskScheduler scheduler;

	private final Queue<Runnable> retries = new ConcurrentLinkedQueue<>();

	private volatile boolean running;

	private ScheduledFuture<?> heartbeat;

	ClusterInstance(StringRedisTemplate redis, RedisKeys keys, Duration ttl, TaskScheduler scheduler) {
		this.redis = redis;
		this.keys = keys;
		this.ttl = ttl;
		this.scheduler = scheduler;
	}

	/**
	 * @return this instance's id, unique in the cluster
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Renews this instance's liveness and reaps dead instances.
	 * @return whether Redis answered
	 */
	boolean beat() {
		try {
			Long reaped = this.redis.execute(HEARTBEAT, List.of(this.keys.instances()), this.id,
					Long.toString(this.ttl.toMillis()), this.keys.prefix(), this.keys.presenceChannel());
			if (reaped != null && reaped > 0) {
				logger.info("Removed " + reaped + " dead instance(s) from the cluster");
			}
		}
		catch (DataAccessException ex) {
			logger.debug("Heartbeat failed; Redis is away", ex);
			return false;
		}
		for (int i = this.retries.size(); i > 0; i--) {
			Runnable retry = this.retries.poll();
			if (retry == null) {
				break;
			}
			try {
				retry.run();
			}
			catch (DataAccessException ex) {
				this.retries.add(retry);
			}
		}
		return true;
	}

	/**
	 * Runs a clean-up now, or at a later heartbeat when Redis is away.
	 * @param action an action that throws {@link DataAccessException} when Redis is
	 * unreachable
	 */
	void runOrRetry(Runnable action) {
		try {
			action.run();
		}
		catch (DataAccessException ex) {
			this.retries.add(action);
		}
	}

	@Override
	public void start() {
		beat();
		this.heartbeat = this.scheduler.scheduleWithFixedDelay(this::beat,
				Duration.ofMillis(Math.max(100, this.ttl.toMillis() / 3)));
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

}
