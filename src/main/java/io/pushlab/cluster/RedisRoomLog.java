package io.pushlab.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.Draft;
import io.pushlab.hub.Envelope;
import io.pushlab.hub.Message;
import io.pushlab.hub.MessageCodec;
import io.pushlab.hub.RoomLimitException;
import io.pushlab.hub.RoomOwners;
import io.pushlab.hub.Slice;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The rooms' shared log in Redis. One Lua script assigns the next id of the room (INCR),
 * appends the message to the room's stream (capped at the history size, entry id =
 * message id) and publishes it, atomically: ids, history order and fan-out order agree on
 * every instance. Every failure to reach Redis becomes a
 * {@link BrokerUnavailableException}. Thread-safe.
 * <p>
 * Rooms are bounded cluster-wide: a sorted set ({@link RedisKeys#rooms()}) holds every
 * room with when it was last used (a publish, a read, a subscription, or a subscriber
 * still listening somewhere, see {@link #touch}); creating one more than {@code maxRooms}
 * is refused ({@link RoomLimitException}), and so is one more room created on behalf of
 * an owner (a client address) that holds {@code maxRoomsPerOwner} of them (two hashes,
 * {@link RedisKeys#roomOwners()} and {@link RedisKeys#ownedRooms()}, kept in step with
 * the sorted set by the same scripts). {@link #evictIdle} removes the rooms unused for
 * the idle time with their sequence and stream, and remembers their last ids (for the 10
 * × {@code maxRooms} highest; past that the highest forgotten id is where new rooms
 * start), so a room created again continues its ids. Each stream also expires in Redis
 * itself after twice the idle time without use, so Redis memory stays bounded even when
 * no instance runs the eviction.
 */
class RedisRoomLog {

	/**
	 * The codec writes the id first: the script puts the real id in front of the rest.
	 */
	private static final String ZERO_ID_PREFIX = "{\"id\":0";

	/**
	 * For a room the rooms set lacks: returns {@code full} when the cluster holds its
	 * maximum, {@code share} when the owner holds its share, and otherwise, when
	 * {@code create} holds, counts the room against its owner and remembers who that is
	 * (the caller then adds it to the rooms set). Formatted with, in order: the KEYS
	 * index of rooms, room owners and owned rooms; the ARGV of room, most rooms, owner
	 * ('' for none) and most rooms per owner; {@code share}, {@code full} and
	 * {@code create}.
	 */
	private static final String CREATE = """
			if not redis.call('ZSCORE', KEYS[%1$d], %4$s) then
				if redis.call('ZCARD', KEYS[%1$d]) >= tonumber(%5$s) then
					return %9$s
				end
				if %6$s ~= '' and tonumber(redis.call('HGET', KEYS[%3$d], %6$s) or '0') >= tonumber(%7$s) then
					return %8$s
				end
				if %6$s ~= '' and %10$s then
					redis.call('HINCRBY', KEYS[%3$d], %6$s, 1)
					redis.call('HSET', KEYS[%2$d], %4$s, %6$s)
				end
			end
			""";

	/** Sets local {@code now} to Redis time in ms. */
	private static final String NOW = """
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			""";

	/** {@link #CREATE} for {@link #APPEND}. */
	private static final String APPEND_CREATE = CREATE.formatted(3, 6, 7, "ARGV[5]", "ARGV[6]", "ARGV[8]", "ARGV[9]",
			"-2", "-1", "true");

	/**
	 * KEYS: sequence, log, rooms, evicted rooms, forgotten last id, room owners, owned
	 * rooms. ARGV: channel, the JSON after the id, history size, the lowest id this
	 * instance knows is taken (so ids never go back, even when Redis lost its data),
	 * room, most rooms, stream expiry ms (0: none), owner ('' for none), most rooms per
	 * owner. Returns the id, -1 when the room is new and the cluster holds its maximum of
	 * rooms, or -2 when it is new and the owner holds its share.
	 */
	private static final RedisScript<Long> APPEND = RedisScript.of(NOW + APPEND_CREATE + """
			local room = ARGV[5]
			redis.call('ZADD', KEYS[3], now, room)
			local id = redis.call('INCR', KEYS[1])
			local floor = tonumber(ARGV[4])
			if id == 1 then
				local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
				if top[1] then
					floor = math.max(floor, tonumber(string.match(top[1][1], '^(%d+)')))
				end
				local evicted = redis.call('ZSCORE', KEYS[4], room)
				if evicted then
					floor = math.max(floor, tonumber(evicted))
					redis.call('ZREM', KEYS[4], room)
				else
					floor = math.max(floor, tonumber(redis.call('GET', KEYS[5]) or '0'))
				end
			end
			if id <= floor then
				id = floor + 1
				redis.call('SET', KEYS[1], id)
			end
			local json = '{"id":' .. id .. ARGV[2]
			redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], id .. '-0', 'json', json)
			if tonumber(ARGV[7]) > 0 then
				redis.call('PEXPIRE', KEYS[2], ARGV[7])
			end
			redis.call('PUBLISH', ARGV[1], json)
			return id
			""", Long.class);

	/** {@link #CREATE} for {@link #OPEN}: creates in mode {@code open} only. */
	private static final String OPEN_CREATE = CREATE.formatted(1, 3, 4, "ARGV[1]", "ARGV[2]", "ARGV[5]", "ARGV[6]", "2",
			"0", "ARGV[4] == 'open'");

	/**
	 * KEYS: rooms, log, room owners, owned rooms. ARGV: room, most rooms, stream expiry
	 * ms (0: none), {@code open} (creates the room, or records it as used now) or
	 * {@code check}, owner ('' for none), most rooms per owner. Returns 1, 0 when the
	 * room is new and the cluster holds its maximum of rooms, or 2 when it is new and the
	 * owner holds its share.
	 */
	private static final RedisScript<Long> OPEN = RedisScript.of(NOW + OPEN_CREATE + """
			if ARGV[4] == 'open' then
				redis.call('ZADD', KEYS[1], now, ARGV[1])
				if tonumber(ARGV[3]) > 0 then
					redis.call('PEXPIRE', KEYS[2], ARGV[3])
				end
			end
			return 1
			""", Long.class);

	/**
	 * Rooms with subscribers here are in use. KEYS: rooms. ARGV: key prefix, stream
	 * expiry ms (0: none), then the rooms. Returns how many.
	 */
	private static final RedisScript<Long> TOUCH = RedisScript.of(NOW + """
			for i = 3, #ARGV do
				redis.call('ZADD', KEYS[1], now, ARGV[i])
				if tonumber(ARGV[2]) > 0 then
					redis.call('PEXPIRE', ARGV[1] .. 'room:' .. ARGV[i] .. ':log', ARGV[2])
				end
			end
			return #ARGV - 2
			""", Long.class);

	/**
	 * Removes rooms unused for the idle time, and each from its owner's count. KEYS:
	 * rooms, evicted rooms, forgotten last id, room owners, owned rooms. ARGV: key
	 * prefix, idle time ms, most evicted rooms remembered, most rooms per run. Returns
	 * how many rooms it removed.
	 */
	private static final RedisScript<Long> EVICT = RedisScript.of(
			NOW + """
					local idle = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, tonumber(ARGV[4]))
					for _, room in ipairs(idle) do
						local seq = ARGV[1] .. 'room:' .. room .. ':seq'
						local log = ARGV[1] .. 'room:' .. room .. ':log'
						local last = tonumber(redis.call('GET', seq) or '0')
						local top = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)
						if top[1] then
							last = math.max(last, tonumber(string.match(top[1][1], '^(%d+)')))
						end
						if last > 0 then
							redis.call('ZADD', KEYS[2], last, room)
						end
						redis.call('DEL', seq, log)
						redis.call('ZREM', KEYS[1], room)
						local owner = redis.call('HGET', KEYS[4], room)
						if owner then
							redis.call('HDEL', KEYS[4], room)
							if redis.call('HINCRBY', KEYS[5], owner, -1) <= 0 then
								redis.call('HDEL', KEYS[5], owner)
							end
						end
					end
					local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
					if over > 0 then
						local popped = redis.call('ZPOPMIN', KEYS[2], over)
						local floor = tonumber(redis.call('GET', KEYS[3]) or '0')
						for i = 2, #popped, 2 do
							floor = math.max(floor, tonumber(popped[i]))
						end
						redis.call('SET', KEYS[3], string.format('%d', floor))
					end
					return #idle
					""",
			Long.class);

	/**
	 * KEYS: evicted rooms, then the sequence of each room. ARGV: the rooms. Returns each
	 * room's last id (an evicted room's as it was), as strings.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> LAST_IDS = RedisScript.of("""
			local out = {}
			for i = 1, #ARGV do
				local last = redis.call('GET', KEYS[i + 1]) or redis.call('ZSCORE', KEYS[1], ARGV[i]) or '0'
				out[i] = string.format('%d', tonumber(last))
			end
			return out
			""", List.class);

	/**
	 * KEYS: sequence, log, rooms, evicted rooms. ARGV: first id wanted, most entries,
	 * room, stream expiry ms (0: none). Returns the room's last id (an evicted room's as
	 * it was), then the JSON of each entry, oldest first, all as strings; a room that
	 * exists counts as used now.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> READ = readScript(
			"redis.call('XRANGE', KEYS[2], ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])");

	/**
	 * KEYS and ARGV as {@link #READ}. Returns the room's last id, then the JSON of the
	 * newest entries from the first id on, newest first.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> READ_NEWEST = readScript(
			"redis.call('XREVRANGE', KEYS[2], '+', ARGV[1] .. '-0', 'COUNT', ARGV[2])");

	/**
	 * One read script for both directions: the room's last id, then the JSON field of
	 * each entry that {@code range} returns, in its order.
	 * @param range the Lua call that reads the stream entries
	 * @return the script
	 */
	@SuppressWarnings("rawtypes")
	private static RedisScript<List> readScript(String range) {
		return RedisScript.of(NOW + """
				local last = redis.call('GET', KEYS[1]) or redis.call('ZSCORE', KEYS[4], ARGV[3]) or '0'
				local out = { string.format('%%d', tonumber(last)) }
				if redis.call('ZSCORE', KEYS[3], ARGV[3]) then
					redis.call('ZADD', KEYS[3], now, ARGV[3])
					if tonumber(ARGV[4]) > 0 then
						redis.call('PEXPIRE', KEYS[2], ARGV[4])
					end
				end
				local entries = %s
				for _, entry in ipairs(entries) do
					local fields = entry[2]
					for i = 1, #fields, 2 do
						if fields[i] == 'json' then
							out[#out + 1] = fields[i + 1]
						end
					end
				end
				return out
				""".formatted(range), List.class);
	}

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final MessageCodec codec;

	private final JsonMapper jsonMapper;

	private final Clock clock;

	private final int historySize;

	private final int maxRooms;

	private final int maxRoomsPerOwner;

	/** Whether clients on an instance's machine (loopback addresses) have a share too. */
	private final boolean limitLoopback;

	private final long idleTtlMillis;

	/** Twice the idle time: when an unused stream expires in Redis itself; 0: never. */
	private final long expiryMillis;

	/**
	 * @param historySize messages each room keeps
	 * @param maxRooms most rooms held in the cluster at once
	 * @param maxRoomsPerOwner most rooms one owner created and the cluster holds at once
	 * @param limitLoopback whether loopback owners have a share too (see
	 * {@link RoomOwners})
	 * @param idleTtl a room unused this long is evicted; zero or negative: never
	 */
	RedisRoomLog(StringRedisTemplate redis, RedisKeys keys, MessageCodec codec, JsonMapper jsonMapper, Clock clock,
			int historySize, int maxRooms, int maxRoomsPerOwner, boolean limitLoopback, Duration idleTtl) {
		this.maxRoomsPerOwner = maxRoomsPerOwner;
		this.limitLoopback = limitLoopback;
		this.redis = redis;
		this.keys = keys;
		this.codec = codec;
		this.jsonMapper = jsonMapper;
		this.clock = clock;
		this.historySize = historySize;
		this.maxRooms = maxRooms;
		this.idleTtlMillis = Math.max(0, idleTtl.toMillis());
		this.expiryMillis = 2 * this.idleTtlMillis;
		String sample = codec.toJson(new Message(0, "r", "f", "t", null, 0));
		if (!sample.startsWith(ZERO_ID_PREFIX + ",")) {
			throw new IllegalStateException("The message codec must write the id first, got " + sample);
		}
	}

	int historySize() {
		return this.historySize;
	}

	/**
	 * Stores a message: assigns its id, appends it to the room's history and publishes it
	 * to every instance.
	 * @param room the room
	 * @param draft the validated message
	 * @param floor an id known to be taken already in the room (0 when none)
	 * @param owner who the room counts against when this creates it, or null
	 * @return the stored message
	 * @throws RoomLimitException when the room is new and the cluster holds its maximum,
	 * or the owner its share
	 */
	Envelope append(String room, Draft draft, long floor, String owner) {
		long sentAt = this.clock.millis();
		String zero = this.codec.toJson(new Message(0, room, draft.from(), draft.text(), draft.nonce(), sentAt));
		String rest = zero.substring(ZERO_ID_PREFIX.length());
		Long id;
		try {
			id = this.redis.execute(APPEND,
					List.of(this.keys.sequence(room), this.keys.log(room), this.keys.rooms(), this.keys.evictedRooms(),
							this.keys.forgottenLastId(), this.keys.roomOwners(), this.keys.ownedRooms()),
					this.keys.messagesChannel(), rest, Integer.toString(this.historySize), Long.toString(floor), room,
					Integer.toString(this.maxRooms), Long.toString(this.expiryMillis), ownerArg(owner),
					Integer.toString(this.maxRoomsPerOwner));
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
		if (id == null) {
			throw new BrokerUnavailableException("Redis returned no id", null);
		}
		if (id == -2) {
			throw ownerShare();
		}
		if (id < 0) {
			throw roomLimit();
		}
		Message message = new Message(id, room, draft.from(), draft.text(), draft.nonce(), sentAt);
		return new Envelope(message, "{\"id\":" + id + rest);
	}

	/**
	 * Reads retained messages after a cursor.
	 * @param room the room
	 * @param after only messages with a greater id
	 * @param limit the most messages
	 * @return the slice; {@code gap} when messages after the cursor are no longer
	 * retained
	 */
	Slice read(String room, long after, int limit) {
		return read(READ, room, after, limit, false);
	}

	/**
	 * Reads the newest retained messages after a cursor.
	 * @param room the room
	 * @param after only messages with a greater id
	 * @param limit the most messages: the newest ones
	 * @return the slice, oldest first; {@code gap} when messages after the cursor are not
	 * in it (no longer retained, or beyond the limit)
	 */
	Slice readNewest(String room, long after, int limit) {
		return read(READ_NEWEST, room, after, limit, true);
	}

	@SuppressWarnings("rawtypes")
	private Slice read(RedisScript<List> script, String room, long after, int limit, boolean newestFirst) {
		if (after == Long.MAX_VALUE || limit <= 0) {
			long last = lastIds(List.of(room)).get(0);
			return new Slice(room, List.of(), last, limit <= 0 && after < last);
		}
		List<?> result;
		try {
			result = this.redis.execute(script,
					List.of(this.keys.sequence(room), this.keys.log(room), this.keys.rooms(), this.keys.evictedRooms()),
					Long.toString(Math.max(0, after) + 1), Integer.toString(limit), room,
					Long.toString(this.expiryMillis));
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
		if (result == null || result.isEmpty()) {
			throw new BrokerUnavailableException("Redis returned no answer", null);
		}
		long last = Long.parseLong(String.valueOf(result.get(0)));
		List<Envelope> messages = new ArrayList<>(result.size() - 1);
		for (int i = 1; i < result.size(); i++) {
			messages.add(parse(String.valueOf(result.get(i))));
		}
		if (newestFirst) {
			Collections.reverse(messages);
		}
		long first = messages.isEmpty() ? last + 1 : messages.get(0).id();
		boolean gap = after >= 0 && first > after + 1 && last > after;
		return new Slice(room, messages,
				Math.max(last, messages.isEmpty() ? 0 : messages.get(messages.size() - 1).id()), gap);
	}

	/**
	 * @param rooms rooms
	 * @return the last id of each room, in the same order (0 for a room without messages)
	 */
	List<Long> lastIds(List<String> rooms) {
		if (rooms.isEmpty()) {
			return List.of();
		}
		List<String> keys = new ArrayList<>(rooms.size() + 1);
		keys.add(this.keys.evictedRooms());
		rooms.forEach((room) -> keys.add(this.keys.sequence(room)));
		List<?> values;
		try {
			values = this.redis.execute(LAST_IDS, keys, rooms.toArray());
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
		List<Long> ids = new ArrayList<>(rooms.size());
		for (int i = 0; i < rooms.size(); i++) {
			Object value = (values != null && i < values.size()) ? values.get(i) : null;
			ids.add((value != null) ? Long.parseLong(String.valueOf(value)) : 0L);
		}
		return ids;
	}

	/**
	 * Records the room as used now, creating it when it is new and the cluster has room.
	 * @param room the room
	 * @param owner who the room counts against when this creates it, or null
	 * @throws RoomLimitException when the room is new and the cluster holds its maximum,
	 * or the owner its share
	 * @throws BrokerUnavailableException when Redis is away
	 */
	void open(String room, String owner) {
		openOrCheck(room, owner, "open");
	}

	/**
	 * Checks, without creating anything, that the room exists or could be created now.
	 * @param room the room
	 * @param owner who the room would count against, or null
	 * @throws RoomLimitException when the room is new and the cluster holds its maximum,
	 * or the owner its share
	 * @throws BrokerUnavailableException when Redis is away
	 */
	void admit(String room, String owner) {
		openOrCheck(room, owner, "check");
	}

	private void openOrCheck(String room, String owner, String mode) {
		Long result;
		try {
			result = this.redis.execute(OPEN,
					List.of(this.keys.rooms(), this.keys.log(room), this.keys.roomOwners(), this.keys.ownedRooms()),
					room, Integer.toString(this.maxRooms), Long.toString(this.expiryMillis), mode, ownerArg(owner),
					Integer.toString(this.maxRoomsPerOwner));
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
		if (result != null && result == 0) {
			throw roomLimit();
		}
		if (result != null && result == 2) {
			throw ownerShare();
		}
	}

	private String ownerArg(String client) {
		String owner = RoomOwners.limited(client, this.limitLoopback);
		return (owner != null) ? owner : "";
	}

	/**
	 * Records rooms as used now (they have subscribers here), so no instance evicts them
	 * and their streams do not expire.
	 * @param rooms the rooms
	 * @throws BrokerUnavailableException when Redis is away
	 */
	void touch(Collection<String> rooms) {
		if (rooms.isEmpty()) {
			return;
		}
		List<String> args = new ArrayList<>(rooms.size() + 2);
		args.add(this.keys.prefix());
		args.add(Long.toString(this.expiryMillis));
		args.addAll(rooms);
		try {
			this.redis.execute(TOUCH, List.of(this.keys.rooms()), args.toArray());
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
	}

	/**
	 * Removes the rooms nobody used for the idle time (at most 1,000 per call), with
	 * their sequence and stream, remembering their last ids.
	 * @return how many rooms it removed from Redis
	 * @throws BrokerUnavailableException when Redis is away
	 */
	int evictIdle() {
		if (this.idleTtlMillis <= 0) {
			return 0;
		}
		Long evicted;
		try {
			evicted = this.redis.execute(EVICT,
					List.of(this.keys.rooms(), this.keys.evictedRooms(), this.keys.forgottenLastId(),
							this.keys.roomOwners(), this.keys.ownedRooms()),
					this.keys.prefix(), Long.toString(this.idleTtlMillis),
					Long.toString(Math.min(1_000_000L, 10L * this.maxRooms)), "1000");
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
		return (evicted != null) ? evicted.intValue() : 0;
	}

	/**
	 * @return the idle time in ms after which a room is evicted, 0 for never
	 */
	long idleTtlMillis() {
		return this.idleTtlMillis;
	}

	private RoomLimitException roomLimit() {
		return new RoomLimitException(this.maxRooms, retryAfterSeconds());
	}

	private RoomLimitException ownerShare() {
		return RoomLimitException.ownerShare(this.maxRoomsPerOwner, this.maxRooms, retryAfterSeconds());
	}

	private long retryAfterSeconds() {
		long ttl = this.idleTtlMillis;
		return (ttl > 0) ? Math.min(60, (ttl + 999) / 1000) : 60;
	}

	/**
	 * Turns the JSON of a stored message back into an envelope, keeping the very same
	 * text.
	 * @param json the message's JSON as stored
	 * @return the envelope
	 */
	Envelope parse(String json) {
		return new Envelope(this.jsonMapper.readValue(json, Message.class), json);
	}

	private static BrokerUnavailableException unavailable(DataAccessException ex) {
		return new BrokerUnavailableException("Redis is unreachable, nothing was stored or read; try again", ex);
	}

}
