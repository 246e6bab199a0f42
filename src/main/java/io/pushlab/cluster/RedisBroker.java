package io.pushlab.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pushlab.hub.Broker;
import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.Draft;
import io.pushlab.hub.Envelope;
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
 */
public class RedisBroker implements Broker, MessageListener, SubscriptionListener, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisBroker.class);

	private final RedisRoomLog log;

	private final FanOut fanout;

	private final TaskScheduler scheduler;

	private final Duration syncInterval;

	private final ConcurrentMap<String, RoomFeed> feeds = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Long> lastIds = new ConcurrentHashMap<>();

	private final AtomicBoolean syncQueued = new AtomicBoolean();

	private volatile boolean running;

	private ScheduledFuture<?> sync;

	RedisBroker(RedisRoomLog log, FanOut fanout, TaskScheduler scheduler, Duration syncInterval) {
		this.log = log;
		this.fanout = fanout;
		this.scheduler = scheduler;
		this.syncInterval = syncInterval;
	}

	@Override
	public Envelope publish(String room, Draft draft) {
		Envelope envelope = this.log.append(room, draft, this.lastIds.getOrDefault(room, 0L));
		remember(room, envelope.id());
		return envelope;
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
	 * message heard; asks Redis only for a room it has not seen yet.
	 */
	@Override
	public long lastId(String room) {
		Long known = this.lastIds.get(room);
		if (known != null) {
			return known;
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
	 */
	@Override
	public Subscription subscribe(String room, long after, Subscriber subscriber) {
		RoomFeed feed = this.feeds.computeIfAbsent(room, RoomFeed::new);
		if (after < 0) {
			return feed.register(subscriber, -1, false);
		}
		int limit = subscriber.replayLimit();
		RoomFeed.Registration registration = feed.register(subscriber, after, true);
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
		remember(room, replay.last());
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
		remember(envelope.room(), envelope.id());
		RoomFeed feed = this.feeds.get(envelope.room());
		if (feed == null) {
			return;
		}
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
			remember(feed.room(), lasts.get(i));
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

	private void remember(String room, long id) {
		if (id > 0) {
			this.lastIds.merge(room, id, Math::max);
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
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.sync != null) {
			this.sync.cancel(false);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
