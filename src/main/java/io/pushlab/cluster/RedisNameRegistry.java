package io.pushlab.cluster;

import java.util.List;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.NameRegistry;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The cluster-wide {@link NameRegistry}: a Redis hash per name holds its owner and how
 * many claims each instance holds ({@code c:<instance>}). Claims of an instance whose
 * liveness expired do not count (and are dropped when next seen), so a crashed instance
 * frees its names within {@code instance-ttl}. A release that fails while Redis is away
 * is retried at a later heartbeat. Each operation is one atomic Lua script.
 */
public class RedisNameRegistry implements NameRegistry {

	/**
	 * KEYS: name hash, instances. ARGV: mode (claim, release, check), owner, instance.
	 * Returns 1 for a claim granted, a name held; 0 otherwise.
	 */
	private static final RedisScript<Long> NAME = RedisScript.of("""
			local mode = ARGV[1]
			local field = 'c:' .. ARGV[3]
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
			redis.call('HINCRBY', KEYS[1], field, 1)
			return 1
			""", Long.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ClusterInstance instance;

	RedisNameRegistry(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance) {
		this.redis = redis;
		this.keys = keys;
		this.instance = instance;
	}

	/**
	 * @throws BrokerUnavailableException when Redis is away (ownership cannot be checked)
	 */
	@Override
	public boolean claim(String name, String owner) {
		try {
			return run("claim", name, owner) == 1;
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	@Override
	public void release(String name, String owner) {
		this.instance.runOrRetry(() -> run("release", name, owner));
	}

	@Override
	public boolean isClaimed(String name) {
		try {
			return run("check", name, "") == 1;
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; names cannot be checked", ex);
		}
	}

	private long run(String mode, String name, String owner) {
		Long result = this.redis.execute(NAME, List.of(this.keys.name(name), this.keys.instances()), mode, owner,
				this.instance.id());
		return (result != null) ? result : 0;
	}

}
