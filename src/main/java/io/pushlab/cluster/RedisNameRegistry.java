package io.pushlab.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.MessageRules;
import io.pushlab.hub.NameRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The cluster-wide {@link NameRegistry}: a Redis hash per name skeleton holds the owner,
 * the spelling ({@code name}) and how many claims each instance holds
 * ({@code c:<instance>}). Claims of an instance whose liveness expired do not count (and
 * are dropped when next seen), so a crashed instance frees its names within
 * {@code instance-ttl}. When the owner's last claim is released the hash keeps the owner
 * with {@code reserved} (a deadline in Redis time) and expires with the grace period.
 * Each operation is one atomic Lua script.
 * <p>
 * This instance's own claims are counted here too, and they are the truth: a release that
 * Redis did not take (it was away) is followed by a write of the name's claim count from
 * this instance, retried with backoff until it lands; and when this instance comes back
 * after it had expired (its claims may have been dropped, or Redis lost them), every name
 * it holds is claimed again. A name that another session took meanwhile stays with it:
 * this instance forgets its claims of it and tells its {@link NameRegistry.Listener}s,
 * which end the connections that used it here (logged).
 */
public class RedisNameRegistry implements NameRegistry, ClusterInstance.Listener {

	private static final Log logger = LogFactory.getLog(RedisNameRegistry.class);

	/**
	 * KEYS: name hash, instances. ARGV: mode (claim, check, release, online, or set: this
	 * instance's claims for the owner become the count), owner, instance, count, name,
	 * grace in ms. Returns for claim, check and set 1 granted, 0 in use, 2 reserved, 3
	 * confusable; for online 1 when the very name is held; for release 1 when a claim was
	 * given back.
	 */
	private static final RedisScript<Long> NAME = RedisScript.of("""
			local mode = ARGV[1]
			local owner = ARGV[2]
			local field = 'c:' .. ARGV[3]
			local count = tonumber(ARGV[4])
			local name = ARGV[5]
			local grace = tonumber(ARGV[6])
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			if mode == 'release' or (mode == 'set' and count == 0) then
				if redis.call('HGET', KEYS[1], 'owner') ~= owner or redis.call('HGET', KEYS[1], 'name') ~= name then
					return (mode == 'set') and 1 or 0
				end
				if mode == 'set' or redis.call('HINCRBY', KEYS[1], field, -1) <= 0 then
					redis.call('HDEL', KEYS[1], field)
				end
				for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
					if string.sub(f, 1, 2) == 'c:' then
						return 1
					end
				end
				if grace > 0 then
					redis.call('HSET', KEYS[1], 'reserved', now + grace)
					redis.call('PEXPIRE', KEYS[1], grace)
				else
					redis.call('DEL', KEYS[1])
				end
				return 1
			end
			local held = false
			for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
				if string.sub(f, 1, 2) == 'c:' then
					local expires = redis.call('ZSCORE', KEYS[2], string.sub(f, 3))
					if expires ~= false and tonumber(expires) > now then
						held = true
					else
						redis.call('HDEL', KEYS[1], f)
					end
				end
			end
			local holder = redis.call('HGET', KEYS[1], 'owner')
			local spelling = redis.call('HGET', KEYS[1], 'name')
			if not held then
				local reserved = redis.call('HGET', KEYS[1], 'reserved')
				if reserved == false or tonumber(reserved) <= now then
					redis.call('DEL', KEYS[1])
					holder = false
					spelling = false
				end
			end
			if mode == 'online' then
				return (held and spelling == name) and 1 or 0
			end
			local result = 1
			if holder ~= false and holder ~= owner then
				if spelling ~= name then
					result = 3
				elseif held then
					result = 0
				else
					result = 2
				end
			elseif holder ~= false and held and spelling ~= name then
				result = 3
			end
			if mode == 'check' or result ~= 1 then
				return result
			end
			if spelling ~= name then
				redis.call('DEL', KEYS[1])
			end
			redis.call('HSET', KEYS[1], 'owner', owner, 'name', name)
			redis.call('HDEL', KEYS[1], 'reserved')
			redis.call('PERSIST', KEYS[1])
			if mode == 'set' then
				redis.call('HSET', KEYS[1], field, count)
			else
				redis.call('HINCRBY', KEYS[1], field, 1)
			end
			return 1
			""", Long.class);

	private static final Claim[] CLAIMS = { Claim.IN_USE, Claim.GRANTED, Claim.RESERVED, Claim.CONFUSABLE };

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ClusterInstance instance;

	private final long graceMillis;

	/** This instance's claims, by name and owner; changed under the name's lock. */
	private final ConcurrentMap<Held, Integer> claims = new ConcurrentHashMap<>();

	private final Object[] locks = new Object[64];

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	RedisNameRegistry(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance, Duration grace) {
		this.redis = redis;
		this.keys = keys;
		this.instance = instance;
		this.graceMillis = grace.toMillis();
		for (int i = 0; i < this.locks.length; i++) {
			this.locks[i] = new Object();
		}
		instance.addListener(this);
	}

	/**
	 * @throws BrokerUnavailableException when Redis is away (ownership cannot be checked)
	 */
	@Override
	public Claim claim(String name, String owner) {
		synchronized (lock(name)) {
			Claim answer;
			try {
				answer = CLAIMS[(int) run("claim", name, owner, 0)];
			}
			catch (DataAccessException ex) {
				throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
			}
			if (answer == Claim.GRANTED) {
				this.claims.merge(new Held(name, owner), 1, Integer::sum);
			}
			return answer;
		}
	}

	@Override
	public void release(String name, String owner) {
		Held held = new Held(name, owner);
		synchronized (lock(name)) {
			this.claims.computeIfPresent(held, (c, count) -> (count > 1) ? count - 1 : null);
			try {
				run("release", name, owner, 0);
			}
			catch (DataAccessException ex) {
				writeLater(held);
			}
		}
	}

	/**
	 * @throws BrokerUnavailableException when Redis is away (ownership cannot be checked)
	 */
	@Override
	public Claim check(String name, String owner) {
		try {
			return CLAIMS[(int) run("check", name, (owner != null) ? owner : "", 0)];
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	@Override
	public boolean isClaimed(String name) {
		try {
			return run("online", name, "", 0) == 1;
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	@Override
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * @param name a name
	 * @param owner its owner
	 * @return how many claims this instance holds for them
	 */
	int localClaims(String name, String owner) {
		return this.claims.getOrDefault(new Held(name, owner), 0);
	}

	/**
	 * This instance had expired: its claims may be gone from Redis; write every one
	 * again.
	 */
	@Override
	public void lapsed() {
		for (Held held : this.claims.keySet()) {
			writeLater(held);
		}
	}

	/**
	 * Writes this instance's claim count for a name and owner once Redis takes it. When
	 * another session holds the name by then, this instance's claims of it are dropped
	 * and the listeners told: the owner's connections here lost the name.
	 */
	private void writeLater(Held held) {
		this.instance.retry(held, () -> {
			synchronized (lock(held.name())) {
				int count = this.claims.getOrDefault(held, 0);
				if (run("set", held.name(), held.owner(), count) == 1) {
					return;
				}
				this.claims.remove(held);
			}
			logger.warn("The name " + held.name() + " was taken by another session while this instance was cut off"
					+ " from Redis; its connections on this instance are closed");
			for (Listener listener : this.listeners) {
				try {
					listener.lost(held.name(), held.owner());
				}
				catch (RuntimeException ex) {
					logger.warn("Ending the connections of a lost name failed", ex);
				}
			}
		});
	}

	private Object lock(String name) {
		return this.locks[Math.floorMod(MessageRules.skeleton(name).hashCode(), this.locks.length)];
	}

	private long run(String mode, String name, String owner, int count) {
		Long result = this.redis.execute(NAME,
				List.of(this.keys.name(MessageRules.skeleton(name)), this.keys.instances()), mode, owner,
				this.instance.id(), Integer.toString(count), name, Long.toString(this.graceMillis));
		return (result != null) ? result : 0;
	}

	/** A name held for an owner (an HTTP session). */
	private record Held(String name, String owner) {
	}

}
