package io.pushlab.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pushlab.hub.Presence;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The cluster-wide {@link Presence}: each room's members are a Redis hash of
 * {@code <instance>/<connection>} to user name, changed and announced by one Lua script
 * per change, so every instance hears a room's changes (with its list) in order. Members
 * of an instance whose liveness expired are left out of every list and reaped by the next
 * heartbeat ({@link ClusterInstance}). Listeners run on the fan-out thread. When Redis is
 * away, a leave is retried at a later heartbeat; a join is lost (the member shows up
 * again at its next join).
 */
public class RedisPresence implements Presence, MessageListener {

	private static final Log logger = LogFactory.getLog(RedisPresence.class);

	/**
	 * Shared by join, leave and members. KEYS: presence hash, instances, instance rooms.
	 * ARGV: mode (join, leave or list), room, field, user, channel. Returns the room's
	 * users (distinct, live instances only, unsorted), or nothing when a leave changed
	 * nothing.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> CHANGE = RedisScript.of("""
			local mode = ARGV[1]
			if mode == 'join' then
				redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
				redis.call('SADD', KEYS[3], ARGV[2])
			elseif mode == 'leave' then
				if redis.call('HDEL', KEYS[1], ARGV[3]) == 0 then
					return false
				end
			end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local alive = {}
			local users = {}
			local seen = {}
			local connections = 0
			local members = redis.call('HGETALL', KEYS[1])
			for i = 1, #members, 2 do
				local instance = string.match(members[i], '^([^/]+)/')
				if alive[instance] == nil then
					local expires = redis.call('ZSCORE', KEYS[2], instance)
					alive[instance] = (expires ~= false and tonumber(expires) > now)
				end
				local user = members[i + 1]
				if alive[instance] and user == ARGV[4] then
					connections = connections + 1
				end
				if alive[instance] and not seen[user] then
					seen[user] = true
					users[#users + 1] = user
				end
			end
			if mode ~= 'list' then
				-- the change: room, mode, user, whether the user's listing changed, then the list
				local listed = (mode == 'join' and connections == 1) or (mode == 'leave' and connections == 0)
				redis.call('PUBLISH', ARGV[5], ARGV[2] .. '\\n' .. mode .. '\\n' .. ARGV[4] .. '\\n'
					.. (listed and '1' or '0') .. (#users > 0 and ('\\n' .. table.concat(users, '\\n')) or ''))
			end
			users[#users + 1] = '.'
			return users
			""", List.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ClusterInstance instance;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	RedisPresence(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance) {
		this.redis = redis;
		this.keys = keys;
		this.instance = instance;
	}

	@Override
	public void join(String room, String user, String memberId) {
		try {
			change("join", room, user, memberId);
		}
		catch (DataAccessException ex) {
			logger.warn("Could not record " + user + " in room " + room + ": Redis is away");
		}
	}

	@Override
	public void leave(String room, String user, String memberId) {
		this.instance.runOrRetry(() -> change("leave", room, user, memberId));
	}

	@Override
	public List<String> members(String room) {
		try {
			return change("list", room, "", "");
		}
		catch (DataAccessException ex) {
			return List.of();
		}
	}

	private List<String> change(String mode, String room, String user, String memberId) {
		List<?> result = this.redis.execute(CHANGE,
				List.of(this.keys.presence(room), this.keys.instances(), this.keys.instanceRooms(this.instance.id())),
				mode, room, this.instance.id() + "/" + memberId, user, this.keys.presenceChannel());
		if (result == null || result.isEmpty()) {
			return List.of();
		}
		List<String> users = new ArrayList<>(result.size());
		// the last element is a marker, so an empty room is not an empty reply
		for (int i = 0; i < result.size() - 1; i++) {
			users.add(String.valueOf(result.get(i)));
		}
		users.sort(ORDER);
		return users;
	}

	@Override
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/** A room's change, announced by some instance; called on the fan-out thread. */
	@Override
	public void onMessage(Message message, byte[] pattern) {
		String[] lines = new String(message.getBody(), StandardCharsets.UTF_8).split("\n");
		if (lines.length < 4) {
			return;
		}
		List<String> users = new ArrayList<>(Arrays.asList(lines).subList(4, lines.length));
		users.sort(ORDER);
		Change change = new ListedChange(lines[0], lines[2], "join".equals(lines[1]), "1".equals(lines[3]),
				List.copyOf(users));
		for (Listener listener : this.listeners) {
			try {
				listener.changed(change);
			}
			catch (RuntimeException ex) {
				logger.warn("A presence listener failed", ex);
			}
		}
	}

	/** A change that carries the room's whole list (as the script published it). */
	private record ListedChange(String room, String user, boolean joined, boolean listChanged,
			List<String> list) implements Change {

		@Override
		public int count() {
			return this.list.size();
		}

		@Override
		public List<String> users(int limit) {
			return (this.list.size() <= limit) ? this.list : this.list.subList(0, limit);
		}

	}

}
