package io.pushlab.cluster;

import java.time.Duration;
import java.util.List;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.MessageRules;
import io.pushlab.hub.NameRegistry;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The cluster-wide {@link NameRegistry}: a Redis hash per name skeleton holds the owner,
 * the spelling ({@code name}) and how many claims each instance holds
 * ({@code c:<instance>}). Claims of an instance whose liveness expired do not count (and
 * are dropped when next seen), so a crashed instance frees its names within
 * {@code instance-ttl}. When the owner's last claim is released the hash keeps the owner
 * with {@code reserved} (a deadline in Redis time) and expires with the grace period. A
 * release that fails while Redis is away is retried at a later heartbeat. Each operation
 * is one atomic Lua script.
 */
public class RedisNameRegistry implements NameRegistry {

	/**
	 * KEYS: name hash, instances. ARGV: mode (claim, check, release, online), owner,
	 * instance, name, grace in ms. Returns for claim and check 1 granted, 0 in use, 2
	 * reserved, 3 confusable; for online 1 when the very name is held; for release 1 when
	 * a claim was given back.
	 */
	private static final RedisScript<Long> NAME = RedisScript.of("""
			local mode = ARGV[1]
			local owner = ARGV[2]
			local field = 'c:' .. ARGV[3]
			local name = ARGV[4]
			local grace = tonumber(ARGV[5])
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			if mode == 'release' then
				if redis.call('HGET', KEYS[1], 'owner') ~= owner or redis.call('HGET', KEYS[1], 'name') ~= name then
					return 0
				end
				if redis.call('HINCRBY', KEYS[1], field, -1) <= 0 then
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
			redis.call('HINCRBY', KEYS[1], field, 1)
			return 1
			""", Long.class);

	private static final Claim[] CLAIMS = { Claim.IN_USE, Claim.GRANTED, Claim.RESERVED, Claim.CONFUSABLE };

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ClusterInstance instance;

	private final long graceMillis;

	RedisNameRegistry(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance, Duration grace) {
		this.redis = redis;
		this.keys = keys;
		this.instance = instance;
		this.graceMillis = grace.toMillis();
	}

	/**
	 * @throws BrokerUnavailableException when Redis is away (ownership cannot be checked)
	 */
	@Override
	public Claim claim(String name, String owner) {
		try {
			return CLAIMS[(int) run("claim", name, owner)];
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	@Override
	public void release(String name, String owner) {
		this.instance.runOrRetry(() -> run("release", name, owner));
	}

	/**
	 * @throws BrokerUnavailableException when Redis is away (ownership cannot be checked)
	 */
	@Override
	public Claim check(String name, String owner) {
		try {
			return CLAIMS[(int) run("check", name, (owner != null) ? owner : "")];
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	@Override
	public boolean isClaimed(String name) {
		try {
			return run("online", name, "") == 1;
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	private long run(String mode, String name, String owner) {
		Long result = this.redis.execute(NAME,
				List.of(this.keys.name(MessageRules.skeleton(name)), this.keys.instances()), mode, owner,
				this.instance.id(), name, Long.toString(this.graceMillis));
		return (result != null) ? result : 0;
	}

}
