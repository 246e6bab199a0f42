package io.pushlab.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.Draft;
import io.pushlab.hub.Envelope;
import io.pushlab.hub.Message;
import io.pushlab.hub.MessageCodec;
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
 */
class RedisRoomLog {

	/**
	 * The codec writes the id first: the script puts the real id in front of the rest.
	 */
	private static final String ZERO_ID_PREFIX = "{\"id\":0";

	/**
	 * KEYS: sequence, log. ARGV: channel, the JSON after the id, history size, the lowest
	 * id this instance knows is taken (so ids never go back, even when Redis lost its
	 * data).
	 */
	private static final RedisScript<Long> APPEND = RedisScript.of("""
			local id = redis.call('INCR', KEYS[1])
			local floor = tonumber(ARGV[4])
			if id == 1 then
				local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
				if top[1] then
					floor = math.max(floor, tonumber(string.match(top[1][1], '^(%d+)')))
				end
			end
			if id <= floor then
				id = floor + 1
				redis.call('SET', KEYS[1], id)
			end
			local json = '{"id":' .. id .. ARGV[2]
			redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], id .. '-0', 'json', json)
			redis.call('PUBLISH', ARGV[1], json)
			return id
			""", Long.class);

	/**
	 * KEYS: sequence, log. ARGV: first id wanted, most entries. Returns the room's last
	 * id, then the JSON of each entry, oldest first, all as strings.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> READ = readScript(
			"redis.call('XRANGE', KEYS[2], ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])");

	/**
	 * KEYS: sequence, log. ARGV: first id wanted, most entries. Returns the room's last
	 * id, then the JSON of the newest entries from the first id on, newest first.
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
		return RedisScript.of("""
				local out = { redis.call('GET', KEYS[1]) or '0' }
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

	RedisRoomLog(StringRedisTemplate redis, RedisKeys keys, MessageCodec codec, JsonMapper jsonMapper, Clock clock,
			int historySize) {
		this.redis = redis;
		this.keys = keys;
		this.codec = codec;
		this.jsonMapper = jsonMapper;
		this.clock = clock;
		this.historySize = historySize;
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
	 * @return the stored message
	 */
	Envelope append(String room, Draft draft, long floor) {
		long sentAt = this.clock.millis();
		String zero = this.codec.toJson(new Message(0, room, draft.from(), draft.text(), draft.nonce(), sentAt));
		String rest = zero.substring(ZERO_ID_PREFIX.length());
		Long id;
		try {
			id = this.redis.execute(APPEND, List.of(this.keys.sequence(room), this.keys.log(room)),
					this.keys.messagesChannel(), rest, Integer.toString(this.historySize), Long.toString(floor));
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
		if (id == null) {
			throw new BrokerUnavailableException("Redis returned no id", null);
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
			result = this.redis.execute(script, List.of(this.keys.sequence(room), this.keys.log(room)),
					Long.toString(Math.max(0, after) + 1), Integer.toString(limit));
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
		List<String> values;
		try {
			values = this.redis.opsForValue().multiGet(rooms.stream().map(this.keys::sequence).toList());
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
		List<Long> ids = new ArrayList<>(rooms.size());
		for (int i = 0; i < rooms.size(); i++) {
			String value = (values != null && i < values.size()) ? values.get(i) : null;
			ids.add((value != null) ? Long.parseLong(value) : 0L);
		}
		return ids;
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
