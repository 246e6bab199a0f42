package io.pushlab.cluster;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.NameRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The cluster-wide {@link NameRegistry}: a Redis hash per name holds its owner and how
 * many claims each instance holds ({@code c:<instance>}). Claims of an instance whose
 * liveness expired do not count (and are dropped when next seen), so a crashed instance
 * frees its names within {@code instance-ttl}. Each operation is one atomic Lua script.
 * <p>
 * This instance's own claims are counted here too, and they are the truth: a release that
 * Redis did not take (it was away) is followed by a write of the name's claim count from
 * this instance, retried with backoff until it lands; and when this instance comes back
 * after it had expired (its claims may have been dropped, or Redis lost them), every name
 * it holds is claimed again. A name that another session took meanwhile stays with it
 * (logged).
 */
public class RedisNameRegistry implements NameRegistry, ClusterInstance.Listener {

	private static final Log logger = LogFactory.getLog(RedisNameRegistry.class);

	/**
	 * KEYS: name hash, instances. ARGV: mode (claim, release, check, or set: this
	 * instance's claims for the owner become ARGV[4]), owner, instance, count. Returns 1
	 * for a claim granted (or set), a name held; 0 otherwise.
	 */
	private static final RedisScript<Long> NAME = RedisScript.of("""
			local mode = ARGV[1]
			local field = 'c:' .. ARGV[3]
			if mode == 'set' and tonumber(ARGV[4]) == 0 then
				if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then
					return 1
				end
				redis.call('HDEL', KEYS[1], field)
				if redis.call('HLEN', KEYS[1]) <= 1 then
					redis.call('DEL', KEYS[1])
				end
				return 1
			end
			if mode == 'release' then
				if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then
					return 0
				end
				if redis.call('HINCRBY', KEYS[1], field, -1) <= 0 then
					redis.call('HDEL', KEYS[1], field)
				end
				if redis.call('HLEN', KEYS[1]) <= 1 then
					redis.call('DEL', KEYS[1])
				end
				return 1
			end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local held = false
			local fields = redis.call('HKEYS', KEYS[1])
			for _, f in ipairs(fields) do
				if string.sub(f, 1, 2) == 'c:' then
					local expires = redis.call('ZSCORE', KEYS[2], string.sub(f, 3))
					if expires ~= false and tonumber(expires) > now then
						held = true
					else
						redis.call('HDEL', KEYS[1], f)
					end
				end
			end
			if not held then
				redis.call('DEL', KEYS[1])
			end
			if mode == 'check' then
				return held and 1 or 0
			end
			if held and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then
				return 0
			end
			redis.call('HSET', KEYS[1], 'owner', ARGV[2])
			if mode == 'set' then
				redis.call('HSET', KEYS[1], field, ARGV[4])
			else
				redis.call('HINCRBY', KEYS[1], field, 1)
			end
			return 1
			""", Long.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ClusterInstance instance;

	/** This instance's claims, by name and owner; changed under the name's lock. */
	private final ConcurrentMap<Claim, Integer> claims = new ConcurrentHashMap<>();

	private final Object[] locks = new Object[64];

	RedisNameRegistry(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance) {
		this.redis = redis;
		this.keys = keys;
		this.instance = instance;
		for (int i = 0; i < this.locks.length; i++) {
			this.locks[i] = new Object();
		}
		instance.addListener(this);
	}

	/**
	 * @throws BrokerUnavailableException when Redis is away (ownership cannot be checked)
	 */
	@Override
	public boolean claim(String name, String owner) {
		synchronized (lock(name)) {
			boolean granted;
			try {
				granted = run("claim", name, owner, 0) == 1;
			}
			catch (DataAccessException ex) {
				throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
			}
			if (granted) {
				this.claims.merge(new Claim(name, owner), 1, Integer::sum);
			}
			return granted;
		}
	}

	@Override
	public void release(String name, String owner) {
		Claim claim = new Claim(name, owner);
		synchronized (lock(name)) {
			this.claims.computeIfPresent(claim, (c, count) -> (count > 1) ? count - 1 : null);
			try {
				run("release", name, owner, 0);
			}
			catch (DataAccessException ex) {
				writeLater(claim);
			}
		}
	}

	@Override
	public boolean isClaimed(String name) {
		try {
			return run("check", name, "", 0) == 1;
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	/**
	 * @param name a name
	 * @param owner its owner
	 * @return how many claims this instance holds for them
	 */
	int localClaims(String name, String owner) {
		return this.claims.getOrDefault(new Claim(name, owner), 0);
	}

	/**
	 * This instance had expired: its claims may be gone from Redis; write every one
	 * again.
	 */
	@Override
	public void lapsed() {
		for (Claim claim : this.claims.keySet()) {
			writeLater(claim);
		}
	}

	/** Writes this instance's claim count for a name and owner once Redis takes it. */
	private void writeLater(Claim claim) {
		this.instance.retry(claim, () -> {
			synchronized (lock(claim.name())) {
				int count = this.claims.getOrDefault(claim, 0);
				if (run("set", claim.name(), claim.owner(), count) == 0) {
					logger.warn("The name " + claim.name()
							+ " was taken by another session while this instance was cut off from Redis");
				}
			}
		});
	}

	private Object lock(String name) {
		return this.locks[Math.floorMod(name.hashCode(), this.locks.length)];
	}

	private long run(String mode, String name, String owner, int count) {
		Long result = this.redis.execute(NAME, List.of(this.keys.name(name), this.keys.instances()), mode, owner,
				this.instance.id(), Integer.toString(count));
		return (result != null) ? result : 0;
	}

	/** A name held for an owner (an HTTP session). */
	private record Claim(String name, String owner) {
	}

}
