package io.pushlab.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.pushlab.hub.Presence;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The cluster-wide {@link Presence}: each room's members are a Redis hash of
 * {@code <instance>/<connection>} to user name, changed and announced by one Lua script
 * per change, so every instance hears a room's changes (each with the room's list) in
 * order. Members of an instance whose liveness expired are left out of every list and
 * reaped by the next heartbeat ({@link ClusterInstance}). Listeners run on the fan-out
 * thread.
 * <p>
 * This instance's own members are also kept here, and they are the truth: a join or a
 * leave that Redis did not take (it was away) is followed by a write of the room's whole
 * membership from this instance, retried with backoff until it lands; and when this
 * instance comes back after it had expired (its members may have been reaped, or Redis
 * lost them), every room's membership is written again. Each room's write excludes that
 * room's joins and leaves while it runs, so a retry never undoes a newer change. After
 * the pub/sub connection subscribes again (Redis came back), the lists of the rooms with
 * local members are read again, since announcements made meanwhile were not heard.
 * <p>
 * Per-room state is bounded: a room leaves this instance's memory with its last local
 * member, and this instance's room set in Redis (used to reap its members when it dies)
 * with it; a room's member hash disappears from Redis with its last member.
 */
public class RedisPresence implements Presence, MessageListener, SubscriptionListener, ClusterInstance.Listener {

	private static final Log logger = LogFactory.getLog(RedisPresence.class);

	/**
	 * The common end of the scripts: with locals {@code room}, {@code channel},
	 * {@code announce}, {@code kind} (join, leave or sync) and {@code who} (the user that
	 * joined or left, or empty), lists the room's users (distinct, live instances only),
	 * announces the change when {@code announce} (room, kind, user, 1 when the user's
	 * listing changed, then the users, one a line), and returns the users followed by a
	 * marker.
	 */
	private static final String LIST = """
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
				if alive[instance] and user == who then
					connections = connections + 1
				end
				if alive[instance] and not seen[user] then
					seen[user] = true
					users[#users + 1] = user
				end
			end
			if announce then
				local listed = kind == 'sync' or (kind == 'join' and connections == 1)
					or (kind == 'leave' and connections == 0)
				redis.call('PUBLISH', channel, room .. '\\n' .. kind .. '\\n' .. who .. '\\n' .. (listed and '1' or '0')
					.. (#users > 0 and ('\\n' .. table.concat(users, '\\n')) or ''))
			end
			users[#users + 1] = '.'
			return users
			""";

	/**
	 * Shared by join, leave and members. KEYS: presence hash, instances, instance rooms.
	 * ARGV: mode (join, leave or list), room, field, user, channel. Returns the room's
	 * users (distinct, live instances only, unsorted), or nothing when a leave changed
	 * nothing.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> CHANGE = RedisScript.of("""
			local mode = ARGV[1]
			local room = ARGV[2]
			local channel = ARGV[5]
			local announce = mode ~= 'list'
			local kind = mode
			local who = ARGV[4]
			if mode == 'join' then
				redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
				redis.call('SADD', KEYS[3], ARGV[2])
			elseif mode == 'leave' then
				if redis.call('HDEL', KEYS[1], ARGV[3]) == 0 then
					return false
				end
			end
			""" + LIST, List.class);

	/**
	 * Writes one instance's whole membership of a room. KEYS: presence hash, instances,
	 * instance rooms. ARGV: room, instance, channel, then field and user of each member.
	 * Removes the instance's other members, adds the missing ones, and announces the list
	 * when it changed anything; returns nothing when it did not.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> SYNC = RedisScript.of("""
			local room = ARGV[1]
			local channel = ARGV[3]
			local own = ARGV[2] .. '/'
			local wanted = {}
			for i = 4, #ARGV, 2 do
				wanted[ARGV[i]] = ARGV[i + 1]
			end
			local changed = false
			local current = redis.call('HGETALL', KEYS[1])
			for i = 1, #current, 2 do
				local field = current[i]
				if string.sub(field, 1, #own) == own then
					if wanted[field] == nil then
						redis.call('HDEL', KEYS[1], field)
						changed = true
					elseif wanted[field] == current[i + 1] then
						wanted[field] = nil
					end
				end
			end
			for field, user in pairs(wanted) do
				redis.call('HSET', KEYS[1], field, user)
				changed = true
			end
			if #ARGV > 3 then
				redis.call('SADD', KEYS[3], room)
			end
			if not changed then
				return false
			end
			local announce = true
			local kind = 'sync'
			local who = ''
			""" + LIST, List.class);

	/**
	 * Forgets a room in this instance's room set once none of its members is in the room
	 * (so the set stays as small as the rooms it has members in). KEYS: presence hash,
	 * instance rooms. ARGV: room, instance. Returns 1 when it forgot the room.
	 */
	private static final RedisScript<Long> FORGET = RedisScript.of("""
			local own = ARGV[2] .. '/'
			for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
				if string.sub(field, 1, #own) == own then
					return 0
				end
			end
			return redis.call('SREM', KEYS[2], ARGV[1])
			""", Long.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ClusterInstance instance;

	private final FanOut fanout;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	/** This instance's members, by room. */
	private final ConcurrentMap<String, LocalRoom> rooms = new ConcurrentHashMap<>();

	private final AtomicBoolean refreshQueued = new AtomicBoolean();

	RedisPresence(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance, FanOut fanout) {
		this.redis = redis;
		this.keys = keys;
		this.instance = instance;
		this.fanout = fanout;
		instance.addListener(this);
	}

	@Override
	public void join(String room, String user, String memberId) {
		while (true) {
			LocalRoom local = this.rooms.computeIfAbsent(room, (r) -> new LocalRoom());
			local.lock.readLock().lock();
			try {
				if (local.removed) {
					continue;
				}
				local.members.put(memberId, user);
				try {
					change("join", room, user, memberId);
				}
				catch (DataAccessException ex) {
					logger.warn("Could not record " + user + " in room " + room + " (Redis is away); will retry");
					writeLater(room);
				}
				return;
			}
			finally {
				local.lock.readLock().unlock();
			}
		}
	}

	@Override
	public void leave(String room, String user, String memberId) {
		LocalRoom local = this.rooms.get(room);
		if (local == null) {
			return;
		}
		local.lock.readLock().lock();
		try {
			if (local.removed || local.members.remove(memberId) == null) {
				return;
			}
			try {
				change("leave", room, user, memberId);
			}
			catch (DataAccessException ex) {
				writeLater(room);
			}
		}
		finally {
			local.lock.readLock().unlock();
		}
		removeIfEmpty(room, local);
	}

	@Override
	public List<String> members(String room) {
		try {
			return users(change("list", room, "", ""));
		}
		catch (DataAccessException ex) {
			return List.of();
		}
	}

	/**
	 * @param room a room
	 * @return the users this instance has in the room, as it knows them (whether or not
	 * Redis has them yet)
	 */
	List<String> localMembers(String room) {
		LocalRoom local = this.rooms.get(room);
		return (local != null) ? List.copyOf(local.members.values()) : List.of();
	}

	private List<?> change(String mode, String room, String user, String memberId) {
		return this.redis.execute(CHANGE,
				List.of(this.keys.presence(room), this.keys.instances(), this.keys.instanceRooms(this.instance.id())),
				mode, room, this.instance.id() + "/" + memberId, user, this.keys.presenceChannel());
	}

	private static List<String> users(List<?> result) {
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

	/** Writes the room's membership from this instance once Redis takes it. */
	private void writeLater(String room) {
		this.instance.retry("presence:" + room, () -> write(room));
	}

	/**
	 * Writes this instance's whole membership of a room, while no join or leave of the
	 * room runs here.
	 * @throws DataAccessException when Redis is away
	 */
	private void write(String room) {
		LocalRoom local;
		while (true) {
			local = this.rooms.computeIfAbsent(room, (r) -> new LocalRoom());
			local.lock.writeLock().lock();
			try {
				if (local.removed) {
					continue;
				}
				List<String> args = new ArrayList<>();
				args.add(room);
				args.add(this.instance.id());
				args.add(this.keys.presenceChannel());
				for (Map.Entry<String, String> member : local.members.entrySet()) {
					args.add(this.instance.id() + "/" + member.getKey());
					args.add(member.getValue());
				}
				this.redis.execute(SYNC, List.of(this.keys.presence(room), this.keys.instances(),
						this.keys.instanceRooms(this.instance.id())), args.toArray());
				break;
			}
			finally {
				local.lock.writeLock().unlock();
			}
		}
		removeIfEmpty(room, local);
	}

	private void removeIfEmpty(String room, LocalRoom local) {
		if (!local.members.isEmpty()) {
			return;
		}
		local.lock.writeLock().lock();
		try {
			if (local.members.isEmpty() && !local.removed) {
				local.removed = true;
				this.rooms.remove(room, local);
			}
			else {
				return;
			}
		}
		finally {
			local.lock.writeLock().unlock();
		}
		try {
			// checked in Redis: a join made meanwhile (a new local room) keeps it listed
			this.redis.execute(FORGET, List.of(this.keys.presence(room), this.keys.instanceRooms(this.instance.id())),
					room, this.instance.id());
		}
		catch (DataAccessException ex) {
			// stays listed: harmless, the set goes with this instance
		}
	}

	/**
	 * This instance had expired: its members may be gone from Redis; write every room's
	 * membership again.
	 */
	@Override
	public void lapsed() {
		for (String room : this.rooms.keySet()) {
			writeLater(room);
		}
	}

	@Override
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * A room's new list, announced by some instance; called on the pub/sub connection's
	 * thread, handed to the fan-out thread. When the fan-out queue is full, the lists of
	 * this instance's rooms are read again once it has room (retried with backoff).
	 */
	@Override
	public void onMessage(Message message, byte[] pattern) {
		byte[] body = message.getBody();
		if (!this.fanout.execute("presence", () -> announce(body))) {
			requestRefresh();
		}
	}

	private void announce(byte[] body) {
		String[] lines = new String(body, StandardCharsets.UTF_8).split("\n", -1);
		if (lines.length < 4) {
			return;
		}
		List<String> users = new ArrayList<>(Arrays.asList(lines).subList(4, lines.length));
		users.removeIf(String::isEmpty);
		boolean sync = "sync".equals(lines[1]);
		notifyListeners(lines[0], sync ? null : lines[2], "join".equals(lines[1]), "1".equals(lines[3]), users);
	}

	/**
	 * @param user the user that joined or left, or null when the list was written whole
	 * (a sync or a refresh)
	 */
	private void notifyListeners(String room, String user, boolean joined, boolean listChanged, List<String> users) {
		List<String> sorted = new ArrayList<>(users);
		sorted.sort(ORDER);
		Change change = new ListedChange(room, user, joined, listChanged, List.copyOf(sorted));
		for (Listener listener : this.listeners) {
			try {
				listener.changed(change);
			}
			catch (RuntimeException ex) {
				logger.warn("A presence listener failed", ex);
			}
		}
	}

	/**
	 * The pub/sub connection (re)subscribed to the presence channel: lists announced
	 * while it was down were not heard, so read the lists of the local rooms again.
	 */
	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		if (this.keys.presenceChannel().equals(new String(channel, StandardCharsets.UTF_8))) {
			requestRefresh();
		}
	}

	/**
	 * Reads the lists of the rooms with local members again, on the fan-out thread (in
	 * order with what pub/sub announces); when the queue is full, tried again with
	 * backoff.
	 */
	void requestRefresh() {
		if (!this.refreshQueued.compareAndSet(false, true)) {
			// one is waiting and has not started: it reads what is there when it runs
			return;
		}
		if (!this.fanout.execute("presence", this::refresh)) {
			this.instance.retry("presence-refresh", () -> {
				if (!this.fanout.execute("presence", this::refresh)) {
					throw new TransientDataAccessResourceException("The Redis fan-out queue is full");
				}
			});
		}
	}

	private void refresh() {
		this.refreshQueued.set(false);
		for (String room : this.rooms.keySet()) {
			List<?> result;
			try {
				result = change("list", room, "", "");
			}
			catch (DataAccessException ex) {
				// the next subscription (Redis back) asks again
				return;
			}
			notifyListeners(room, null, false, true, users(result));
		}
	}

	/**
	 * This instance's members of one room; {@code members} changes under the read lock.
	 */
	private static final class LocalRoom {

		private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

		private final ConcurrentMap<String, String> members = new ConcurrentHashMap<>();

		/** Set under the write lock when the room left the map. */
		private volatile boolean removed;

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
