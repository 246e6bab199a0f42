package io.pushlab.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code pushlab.*} setting, validated at start-up. Defaults match
 * {@code application.yml} and the wire contract ({@code docs/api.md}).
 * <p>
 * {@code historyBytes} is the estimated heap one room's history (in-memory broker) may
 * hold; the oldest messages past it are dropped like those past {@code historySize}. The
 * broker lowers it so that {@code rooms.max} full rooms take at most an eighth of the
 * heap ({@link #roomHistoryBytes(long)}).
 */
@Validated
@ConfigurationProperties("pushlab")
public record PushLabProperties(@DefaultValue("1000") @Min(1) @Max(1_000_000) int historySize,
		@DefaultValue("2097152") @Min(1024) long historyBytes,
		@DefaultValue("2000") @Min(1) @Max(60_000) int maxTextLength,
		@DefaultValue("memory") @Pattern(regexp = "memory|redis") String broker,
		@DefaultValue @Valid @NotNull Delivery delivery, @DefaultValue @Valid @NotNull LongPolling longPolling,
		@DefaultValue @Valid @NotNull Sse sse, @DefaultValue @Valid @NotNull Websocket websocket,
		@DefaultValue @Valid @NotNull RawWebsocket rawWebsocket, @DefaultValue @Valid @NotNull Redis redis,
		@DefaultValue @Valid @NotNull Lab lab, @DefaultValue @Valid @NotNull Demo demo,
		@DefaultValue @Valid @NotNull Rooms rooms, @DefaultValue @Valid @NotNull Connections connections,
		@DefaultValue @Valid @NotNull Warmup warmup,
		@DefaultValue("2048") @Min(1024) @Max(1_048_576) int connectionBufferBytes) {

	/**
	 * The threads that write pushed messages to SSE and WebSocket connections.
	 *
	 * @param threads writer threads shared by all connections (ignored with virtual
	 * threads)
	 * @param virtualThreads use a virtual thread per write burst (Java 21+ only)
	 */
	public record Delivery(@DefaultValue("16") @Min(1) @Max(1024) int threads,
			@DefaultValue("false") boolean virtualThreads) {
	}

	/**
	 * @param timeout longest a request is parked; a request's {@code timeout} may only
	 * shorten it
	 * @param queueCapacity messages kept per (client, room) between two polls
	 * @param clientTtl a queue whose client has not polled for this long is removed
	 * @param maxBatch most messages in one response
	 * @param maxQueues most queues held at once on this instance; a request that would
	 * create one more is answered 429
	 * @param maxQueuesPerAddress most queues created from one remote address held at
	 * once; a request that would create one more is answered 429
	 * @param limitLoopback whether clients on the server's own machine (127.0.0.1,
	 * {@code ::1}: the load lab, a test suite, a reverse proxy that does not forward the
	 * client's address) are held to {@code maxQueuesPerAddress} too; by default they are
	 * bounded by {@code maxQueues} only
	 */
	public record LongPolling(@DefaultValue("25s") @NotNull Duration timeout,
			@DefaultValue("1000") @Min(1) int queueCapacity, @DefaultValue("60s") @NotNull Duration clientTtl,
			@DefaultValue("100") @Min(1) int maxBatch, @DefaultValue("10000") @Min(1) int maxQueues,
			@DefaultValue("64") @Min(1) int maxQueuesPerAddress, @DefaultValue("false") boolean limitLoopback) {

		public LongPolling {
			positive("pushlab.long-polling.timeout", timeout);
			positive("pushlab.long-polling.client-ttl", clientTtl);
		}
	}

	/**
	 * Bounds on rooms, which are created on first use.
	 *
	 * @param max most rooms held at once (with the Redis broker: in the cluster);
	 * publishing to or subscribing to one more is answered 429 (WebSocket: error
	 * {@code too_many_rooms})
	 * @param idleTtl a room without subscribers that nobody has published to or read for
	 * this long is removed with its history (with the Redis broker: from Redis and from
	 * each instance; an unused room stream also expires in Redis after twice this)
	 * @param maxPerAddress most rooms created from one remote address and held at once
	 * (with the Redis broker: in the cluster), from 1 to {@code max}; one more new room
	 * from that address is answered like one past {@code max}, with a detail naming the
	 * address's share, while other addresses still create rooms and rooms that exist are
	 * never refused. Unset: a tenth of {@code max} (at least 1), so one address can never
	 * hold more than a tenth of the rooms
	 * @param limitLoopback whether clients on the server's own machine (127.0.0.1,
	 * {@code ::1}: the load lab, a test suite, a reverse proxy that does not forward the
	 * client's address) have a share too; by default they do not
	 */
	public record Rooms(@DefaultValue("1000") @Min(1) int max, @DefaultValue("15m") @NotNull Duration idleTtl,
			Integer maxPerAddress, @DefaultValue("false") boolean limitLoopback) {

		public Rooms {
			positive("pushlab.rooms.idle-ttl", idleTtl);
			if (maxPerAddress == null) {
				maxPerAddress = Math.max(1, max / 10);
			}
			else if (maxPerAddress < 1 || maxPerAddress > max) {
				throw new IllegalArgumentException(
						"pushlab.rooms.max-per-address must be between 1 and pushlab.rooms.max (" + max + ") (was "
								+ maxPerAddress + ")");
			}
		}
	}

	/**
	 * Bounds on the connections one client holds open.
	 *
	 * @param maxPerAddress most SSE streams and WebSocket chat connections, counted
	 * together, one remote address holds open at once; one more stream is answered 429,
	 * one more chat handshake 429 (or, when the place was taken meanwhile, closed with
	 * 1008), while other addresses still connect
	 * @param limitLoopback whether clients on the server's own machine (127.0.0.1,
	 * {@code ::1}: the load lab, a test suite, the start-up warm-up, a reverse proxy that
	 * does not forward the client's address) are counted too; by default they are not
	 */
	public record Connections(@DefaultValue("256") @Min(1) @Max(1_000_000) int maxPerAddress,
			@DefaultValue("false") boolean limitLoopback) {
	}

	/**
	 * @param heartbeat interval of the {@code : keep-alive} comment
	 * @param retry reconnect delay announced to the browser
	 * @param timeout stream lifetime; 0 keeps a stream open until the client leaves
	 * @param bufferSize events buffered for one slow stream before it is dropped
	 * @param writeTimeout a write blocked this long (the client stopped reading) ends its
	 * stream, and the writer pool gets a thread in its place
	 */
	public record Sse(@DefaultValue("15s") @NotNull Duration heartbeat, @DefaultValue("3s") @NotNull Duration retry,
			@DefaultValue("0s") @NotNull Duration timeout, @DefaultValue("1000") @Min(1) int bufferSize,
			@DefaultValue("2s") @NotNull Duration writeTimeout) {

		public Sse {
			positive("pushlab.sse.heartbeat", heartbeat);
			positive("pushlab.sse.write-timeout", writeTimeout);
			notNegative("pushlab.sse.retry", retry);
			notNegative("pushlab.sse.timeout", timeout);
		}
	}

	/**
	 * @param allowedOrigins origins allowed to open a chat connection (and to send the
	 * recovery drill's drop); empty means same origin only
	 * @param maxMessageBytes largest accepted frame; larger closes with 1009
	 * @param maxMessagesPerSecond per-connection rate limit (bursts up to twice); 0 = no
	 * limit
	 * @param pingInterval server ping interval
	 * @param sendTimeLimit a write in flight this long disconnects the client
	 * @param sendBufferSize bytes queued for a slow client before it is disconnected
	 * @param historyOnJoin messages sent in the {@code history} frame on join
	 * @param maxRoomsPerConnection most rooms one connection may be in; one more join is
	 * answered with error {@code too_many_rooms}
	 * @param pongTimeout a ping unanswered this long disconnects the client; 0 = never
	 * @param nameGrace how long a chat name stays reserved for its owner (HTTP session)
	 * after the owner's last connection closed, so nobody else takes it during the
	 * owner's reconnect; 0 frees it at once
	 * @param presenceListLimit most names in a {@code presence} list; rooms up to this
	 * many users get each change as a delta, larger ones coalesced lists
	 */
	public record Websocket(@DefaultValue List<String> allowedOrigins,
			@DefaultValue("65536") @Min(128) int maxMessageBytes, @DefaultValue("20") @Min(0) int maxMessagesPerSecond,
			@DefaultValue("25s") @NotNull Duration pingInterval, @DefaultValue("10s") @NotNull Duration sendTimeLimit,
			@DefaultValue("524288") @Min(1024) int sendBufferSize, @DefaultValue("50") @Min(0) int historyOnJoin,
			@DefaultValue("16") @Min(1) int maxRoomsPerConnection, @DefaultValue("10s") @NotNull Duration pongTimeout,
			@DefaultValue("30s") @NotNull Duration nameGrace,
			@DefaultValue("100") @Min(1) @Max(10_000) int presenceListLimit) {

		public Websocket {
			positive("pushlab.websocket.ping-interval", pingInterval);
			positive("pushlab.websocket.send-time-limit", sendTimeLimit);
			notNegative("pushlab.websocket.pong-timeout", pongTimeout);
			notNegative("pushlab.websocket.name-grace", nameGrace);
		}
	}

	/**
	 * @param port TCP port of the hand-written RFC 6455 server; 0 turns it off
	 * @param maxMessageBytes largest message; larger closes with 1009
	 * @param maxConnections connections served at once; more are refused
	 * @param maxHeaderBytes largest handshake header section
	 * @param bindAddress address the raw server listens on
	 * @param idleTimeout a client that sends no frame for this long is pinged
	 * @param pongTimeout a pinged client that answers nothing for this long is closed
	 * with 1001
	 * @param writeTimeout a write the client does not read within this long closes its
	 * socket
	 */
	public record RawWebsocket(@DefaultValue("9527") @Min(0) @Max(65535) int port,
			@DefaultValue("1048576") @Min(125) int maxMessageBytes, @DefaultValue("64") @Min(1) int maxConnections,
			@DefaultValue("8192") @Min(256) int maxHeaderBytes, @DefaultValue("127.0.0.1") String bindAddress,
			@DefaultValue("30s") @NotNull Duration idleTimeout, @DefaultValue("10s") @NotNull Duration pongTimeout,
			@DefaultValue("10s") @NotNull Duration writeTimeout) {

		public RawWebsocket {
			for (Duration timeout : new Duration[] { idleTimeout, pongTimeout, writeTimeout }) {
				if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
					throw new IllegalArgumentException(
							"pushlab.raw-websocket idle-timeout, pong-timeout and write-timeout must be positive");
				}
			}
		}
	}

	/**
	 * The Redis broker's settings (with {@code broker=redis}; the connection itself is
	 * {@code spring.data.redis.*}).
	 *
	 * @param keyPrefix prefix of every key and channel, so several deployments (or test
	 * runs) can share one Redis
	 * @param instanceTtl an instance that has not renewed its liveness for this long is
	 * considered dead: its presence entries and name claims are dropped
	 * @param syncInterval how often each instance checks the shared log for messages its
	 * pub/sub connection missed (after a reconnect) and delivers them
	 * @param fanoutCapacity room messages, presence lists and syncs that may wait for the
	 * fan-out thread; more is dropped and counted ({@code pushlab.redis.fanout.dropped}):
	 * messages are then read back from the log, presence lists re-read; private messages
	 * are never dropped and do not count
	 */
	public record Redis(@DefaultValue("pushlab:") @NotNull String keyPrefix,
			@DefaultValue("15s") @NotNull Duration instanceTtl, @DefaultValue("1s") @NotNull Duration syncInterval,
			@DefaultValue("10000") @Min(1) @Max(10_000_000) int fanoutCapacity) {

		public Redis {
			positive("pushlab.redis.instance-ttl", instanceTtl);
			positive("pushlab.redis.sync-interval", syncInterval);
		}
	}

	/**
	 * The lab API's calculators.
	 *
	 * @param maxConcurrentRequests lab requests served at once; more are answered 429
	 * (each may hold a 2 MiB body and an answer about five times its payload)
	 */
	public record Lab(@DefaultValue("8") @Min(1) @Max(10_000) int maxConcurrentRequests) {
	}

	/**
	 * The start-up warm-up: right after start, before health reports UP, the server's own
	 * load-lab clients drive SSE, WebSocket and short polling over loopback in rooms of
	 * their own (removed afterwards), so the JIT has compiled the delivery paths before
	 * the first users arrive. Only with the in-memory broker.
	 *
	 * @param enabled whether to warm up
	 * @param clients receivers per technique
	 * @param messages messages published per technique, at 100 per second
	 */
	public record Warmup(@DefaultValue("true") boolean enabled, @DefaultValue("200") @Min(1) @Max(5000) int clients,
			@DefaultValue("100") @Min(1) @Max(100_000) int messages) {
	}

	/**
	 * The demo controls of {@code /compare}.
	 *
	 * @param dropEnabled whether {@code POST /api/rooms/{room}/drop} (the recovery drill)
	 * is served; when false it answers 404 and cluster drops sent by other instances are
	 * ignored
	 * @param dropInterval shortest time between two drops of one room on one instance;
	 * sooner is answered 429
	 */
	public record Demo(@DefaultValue("true") boolean dropEnabled, @DefaultValue("1s") @NotNull Duration dropInterval) {

		public Demo {
			notNegative("pushlab.demo.drop-interval", dropInterval);
		}
	}

	/**
	 * The history budget of one room: {@code historyBytes}, lowered so that
	 * {@code rooms.max} rooms hold at most an eighth of the heap.
	 * @param maxHeap the heap's limit ({@link Runtime#maxMemory()})
	 * @return the budget in bytes
	 */
	public long roomHistoryBytes(long maxHeap) {
		return Math.max(1024, Math.min(this.historyBytes, maxHeap / 8 / this.rooms.max()));
	}

	/**
	 * Refuses a zero or negative duration where only a positive one makes sense (an
	 * interval, a timeout, a time to live): the application does not start, and says
	 * which setting is wrong.
	 */
	static void positive(String name, Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			throw new IllegalArgumentException(name + " must be positive (was " + value + ")");
		}
	}

	/** Refuses a negative duration where 0 has a meaning. */
	static void notNegative(String name, Duration value) {
		if (value != null && value.isNegative()) {
			throw new IllegalArgumentException(name + " must be 0 or more (was " + value + ")");
		}
	}

}
