package io.pushlab.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import io.pushlab.hub.Broker;
import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.Draft;
import io.pushlab.hub.Envelope;
import io.pushlab.hub.RoomLimitException;
import io.pushlab.hub.Slice;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.scheduling.TaskScheduler;

/**
 * The clustered {@link Broker}: the room log lives in Redis ({@link RedisRoomLog}), so
 * ids and history are the same on every instance; each instance hears every new message
 * on one pub/sub channel and hands it to its own subscribers ({@link RoomFeed}), in id
 * order, on one fan-out thread ({@link FanOut}) that never blocks on a subscriber.
 * <p>
 * Nothing is lost when pub/sub misses messages (a reconnect): ids are consecutive, so a
 * jump is noticed and the missing ones are read from the log first; and every
 * {@code sync-interval} the fan-out thread compares each room's last id in Redis with
 * what its subscribers have, and catches them up. A message the fan-out queue had no room
 * for is recovered the same way, from the log. When Redis is unreachable, publishing and
 * reading throw {@link BrokerUnavailableException}; subscribing still succeeds and
 * catches up once Redis is back.
 * <p>
 * Rooms are bounded ({@code pushlab.rooms.max} in the cluster, see {@link RedisRoomLog}).
 * This instance's state of a room (its {@link RoomFeed}: subscribers, newest id, last
 * use) is removed by {@link #evictIdleRooms()} once it has no subscriber here and was not
 * used here for {@code pushlab.rooms.idle-ttl}; every message channel is shared by all
 * rooms, so there is no per-room subscription to undo. A thread of its own keeps the
 * rooms with subscribers here marked as used in Redis and evicts idle rooms from Redis, a
 * few times per idle time.
 */
public class RedisBroker implements Broker, MessageListener, SubscriptionListener, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisBroker.class);

	private final RedisRoomLog log;

	private final FanOut fanout;

	private final TaskScheduler scheduler;

	private final Duration syncInterval;

	private final LongSupplier clock;

	private final ConcurrentMap<String, RoomFeed> feeds = new ConcurrentHashMap<>();

	private final AtomicBoolean syncQueued = new AtomicBoolean();

	private volatile boolean running;

	private ScheduledFuture<?> sync;

	private ScheduledExecutorService upkeep;

	/**
	 * @param clock the clock of idleness, in ms
	 */
	RedisBroker(RedisRoomLog log, FanOut fanout, TaskScheduler scheduler, Duration syncInterval, LongSupplier clock) {
		this.log = log;
		this.fanout = fanout;
		this.scheduler = scheduler;
		this.syncInterval = syncInterval;
		this.clock = clock;
	}

	/**
	 * @throws RoomLimitException when the room is new and the cluster holds its maximum,
	 * or the owner its share
	 */
	@Override
	public Envelope publish(String room, Draft draft, String owner) {
		RoomFeed known = this.feeds.get(room);
		Envelope envelope = this.log.append(room, draft, (known != null) ? known.lastId() : 0, owner);
		// held only once Redis took it: a refused room leaves nothing behind here
		RoomFeed feed = this.feeds.computeIfAbsent(room, this::newFeed);
		feed.remember(envelope.id());
		feed.touch();
		return envelope;
	}

	private RoomFeed newFeed(String room) {
		return new RoomFeed(room, this.clock);
	}

	@Override
	public Optional<Envelope> find(String room, long id) {
		if (id < 1) {
			return Optional.empty();
		}
		Slice slice = this.log.read(room, id - 1, 1);
		remember(room, slice.last());
		return slice.messages().stream().filter((envelope) -> envelope.id() == id).findFirst();
	}

	@Override
	public Slice read(String room, long after, int limit) {
		Slice slice = this.log.read(room, after, limit);
		remember(room, slice.last());
		return slice;
	}

	/**
	 * The newest id this instance knows of, kept up to date by every publish and every
	 * message heard; asks Redis only for a room it holds no state of.
	 */
	@Override
	public long lastId(String room) {
		RoomFeed known = this.feeds.get(room);
		if (known != null && known.lastId() > 0) {
			known.touch();
			return known.lastId();
		}
		try {
			long last = this.log.lastIds(List.of(room)).get(0);
			remember(room, last);
			return last;
		}
		catch (BrokerUnavailableException ex) {
			return 0;
		}
	}

	/**
	 * Replay then live, through {@link RoomFeed}: the registration buffers live messages
	 * while the replay is read from Redis. When Redis is unreachable, a subscription that
	 * wants the whole replay goes live at once and the sync delivers what it missed
	 * later; one with a replay limit (a chat join's newest messages) cannot be caught up
	 * that way, so it fails with {@link BrokerUnavailableException}.
	 * @throws RoomLimitException when the room is new and the cluster holds its maximum,
	 * or the owner its share
	 */
	@Override
	public Subscription subscribe(String room, long after, Subscriber subscriber, String owner) {
		try {
			this.log.open(room, owner);
		}
		catch (BrokerUnavailableException ex) {
			// Redis is away: the room cannot be counted now; the upkeep marks it used
			// later
		}
		RoomFeed feed;
		RoomFeed.Registration registration;
		do {
			feed = this.feeds.computeIfAbsent(room, this::newFeed);
			registration = feed.register(subscriber, (after >= 0) ? after : -1, after >= 0);
		}
		while (registration == null);
		if (after < 0) {
			return registration;
		}
		int limit = subscriber.replayLimit();
		Slice replay;
		try {
			replay = (limit == Integer.MAX_VALUE) ? this.log.read(room, after, this.log.historySize())
					: this.log.readNewest(room, after, limit);
		}
		catch (BrokerUnavailableException ex) {
			if (limit != Integer.MAX_VALUE) {
				registration.close();
				throw ex;
			}
			// goes live now; the sync delivers what it missed once Redis answers again
			feed.finishReplay(registration, List.of(), false, after);
			return registration;
		}
		feed.remember(replay.last());
		feed.finishReplay(registration, replay.messages(), replay.gap(), replay.last());
		return registration;
	}

	/**
	 * @param room a room
	 * @return how many subscribers the room has on this instance
	 */
	public int subscriberCount(String room) {
		RoomFeed feed = this.feeds.get(room);
		return (feed != null) ? feed.size() : 0;
	}

	/**
	 * @throws RoomLimitException when the room is held neither here nor in Redis and the
	 * cluster holds its maximum, or the owner its share (when Redis is away the room is
	 * let through: publishing then answers 503)
	 */
	@Override
	public void admit(String room, String owner) {
		RoomFeed feed = this.feeds.get(room);
		if (feed != null && feed.size() > 0) {
			return;
		}
		try {
			this.log.admit(room, owner);
		}
		catch (BrokerUnavailableException ex) {
			// let it through: what comes next answers 503 or catches up later
		}
	}

	/**
	 * Removes this instance's state of every room that has had no subscriber here, and no
	 * publish, read or subscription here, for the idle time (no Redis I/O: Redis's rooms
	 * are evicted by the upkeep thread).
	 * @return how many rooms' state was removed
	 */
	@Override
	public int evictIdleRooms() {
		long ttl = this.log.idleTtlMillis();
		if (ttl <= 0) {
			return 0;
		}
		long cutoff = this.clock.getAsLong() - ttl;
		int evicted = 0;
		for (RoomFeed feed : this.feeds.values()) {
			if (feed.size() == 0 && feed.lastActive() < cutoff && feed.evictIfIdle(cutoff)) {
				this.feeds.remove(feed.room(), feed);
				evicted++;
			}
		}
		return evicted;
	}

	/**
	 * @return how many rooms this instance holds state of
	 */
	public int roomCount() {
		return this.feeds.size();
	}

	/**
	 * @param room a room
	 * @return whether this instance holds state of the room
	 */
	public boolean holds(String room) {
		return this.feeds.containsKey(room);
	}

	/**
	 * Marks the rooms with subscribers here as used in Redis, then evicts Redis's idle
	 * rooms. Runs on the upkeep thread.
	 */
	void upkeep() {
		List<String> subscribed = new ArrayList<>();
		for (RoomFeed feed : this.feeds.values()) {
			if (feed.size() > 0) {
				subscribed.add(feed.room());
			}
		}
		try {
			this.log.touch(subscribed);
			int evicted = this.log.evictIdle();
			if (evicted > 0 && logger.isDebugEnabled()) {
				logger.debug("Evicted " + evicted + " idle room(s) from Redis");
			}
		}
		catch (BrokerUnavailableException ex) {
			logger.debug("Could not keep the rooms in Redis up to date; will retry", ex);
		}
	}

	/**
	 * Called by the listener container on the pub/sub connection's thread, in publish
	 * order; hands the message to the fan-out thread. When its queue is full the message
	 * is dropped (counted): the next message or the next sync notices the missing id and
	 * reads it from the log.
	 */
	@Override
	public void onMessage(Message message, byte[] pattern) {
		byte[] body = message.getBody();
		this.fanout.execute("messages", () -> deliver(body));
	}

	/**
	 * The pub/sub connection (re)subscribed: what was published while it was down is
	 * caught up from the log at once, without waiting for the next sync.
	 */
	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		requestSync();
	}

	private void deliver(byte[] body) {
		Envelope envelope;
		try {
			envelope = this.log.parse(new String(body, StandardCharsets.UTF_8));
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring a malformed message on the messages channel", ex);
			return;
		}
		RoomFeed feed = this.feeds.get(envelope.room());
		if (feed == null) {
			return;
		}
		feed.remember(envelope.id());
		long lowest = feed.lowestCursor();
		if (lowest < envelope.id() - 1) {
			catchUp(feed, lowest, envelope.id() - 1);
		}
		feed.dispatch(List.of(envelope));
	}

	/**
	 * Compares each room's last id in Redis with what its local subscribers were given,
	 * and delivers what they miss. Runs on the fan-out thread.
	 */
	void sync() {
		this.syncQueued.set(false);
		List<RoomFeed> waiting = new ArrayList<>();
		List<Long> cursors = new ArrayList<>();
		for (RoomFeed feed : this.feeds.values()) {
			long lowest = feed.lowestCursor();
			if (lowest != Long.MAX_VALUE) {
				waiting.add(feed);
				cursors.add(lowest);
			}
		}
		if (waiting.isEmpty()) {
			return;
		}
		List<Long> lasts;
		try {
			lasts = this.log.lastIds(waiting.stream().map(RoomFeed::room).toList());
		}
		catch (BrokerUnavailableException ex) {
			return;
		}
		for (int i = 0; i < waiting.size(); i++) {
			RoomFeed feed = waiting.get(i);
			feed.remember(lasts.get(i));
			if (lasts.get(i) > cursors.get(i)) {
				catchUp(feed, cursors.get(i), lasts.get(i));
			}
		}
	}

	private void catchUp(RoomFeed feed, long after, long upTo) {
		try {
			long cursor = after;
			while (cursor < upTo) {
				Slice slice = this.log.read(feed.room(), cursor, this.log.historySize());
				List<Envelope> missed = slice.messages().stream().filter((e) -> e.id() <= upTo).toList();
				if (missed.isEmpty()) {
					return;
				}
				feed.dispatch(missed);
				cursor = missed.get(missed.size() - 1).id();
			}
		}
		catch (BrokerUnavailableException ex) {
			logger.debug("Could not read the log of room " + feed.room() + " to catch up; will retry", ex);
		}
	}

	/**
	 * Updates the newest id of a room this instance holds state of, and counts it as a
	 * use; a read of a room it does not hold leaves nothing behind.
	 */
	private void remember(String room, long id) {
		RoomFeed feed = this.feeds.get(room);
		if (feed != null) {
			feed.remember(id);
			feed.touch();
		}
	}

	private void requestSync() {
		if (!this.syncQueued.compareAndSet(false, true)) {
			return;
		}
		if (!this.fanout.execute("sync", this::sync)) {
			// queue full (or shutting down): the next interval asks again
			this.syncQueued.set(false);
		}
	}

	@Override
	public void start() {
		this.sync = this.scheduler.scheduleWithFixedDelay(this::requestSync, this.syncInterval);
		long ttl = this.log.idleTtlMillis();
		if (ttl > 0) {
			long period = Math.max(50, Math.min(30_000, ttl / 4));
			this.upkeep = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "pushlab-redis-rooms");
				thread.setDaemon(true);
				return thread;
			});
			this.upkeep.scheduleWithFixedDelay(this::runUpkeep, period, period, TimeUnit.MILLISECONDS);
		}
		this.running = true;
	}

	private void runUpkeep() {
		try {
			upkeep();
		}
		catch (RuntimeException ex) {
			logger.warn("Keeping the rooms in Redis up to date failed", ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.sync != null) {
			this.sync.cancel(false);
		}
		if (this.upkeep != null) {
			this.upkeep.shutdownNow();
			this.upkeep = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
