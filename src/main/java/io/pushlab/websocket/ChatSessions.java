package io.pushlab.websocket;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.NameRegistry;
import io.pushlab.hub.Presence;
import io.pushlab.hub.PrivateChannel;
import io.pushlab.hub.PrivateMessage;
import io.pushlab.technique.Droppable;
import io.pushlab.technique.Technique;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * The chat connections of this instance, indexed by id, user and joined room. It hands
 * the hub's presence changes to the local members of the room and private messages to the
 * local connections of their sender and addressee, each frame encoded once; it closes
 * (4009) a user's connections whose name the registry says another session took; it pings
 * every connection each {@code ping-interval} (on the control executor), checks a few
 * times a second that no write has outlasted {@code send-time-limit} and no ping
 * {@code pong-timeout}, and closes them all (1001) at shutdown. Thread-safe; nothing here
 * blocks.
 */
@Component
public class ChatSessions implements SmartLifecycle, Droppable {

	/** How the recovery drill closes a room's connections (RFC 6455 1012). */
	static final CloseStatus DROPPED = CloseStatus.SERVICE_RESTARTED.withReason("room dropped (recovery drill)");

	private final ConcurrentMap<String, ChatConnection> byId = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<ChatConnection>> byUser = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<ChatConnection>> byRoom = new ConcurrentHashMap<>();

	/** Presence bytes (frame size times members) a room may send per second. */
	static final long PRESENCE_BYTES_PER_SECOND = 2L * 1024 * 1024;

	/** Shortest wait of a coalesced presence change. */
	static final Duration PRESENCE_MIN_DELAY = Duration.ofMillis(50);

	private final ConcurrentMap<String, PresenceState> presenceStates = new ConcurrentHashMap<>();

	private final ServerFrames frames;

	private final TaskScheduler scheduler;

	private final Executor control;

	/**
	 * Starts presence writes to idle connections: presence frames are queued in order
	 * under the room's locks, and written here, never while a join waits for a lock.
	 * Writes are non-blocking, so one thread is enough.
	 */
	private final ExecutorService presenceWriter = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "pushlab-ws-presence");
		thread.setDaemon(true);
		return thread;
	});

	private final Duration pingInterval;

	private final int presenceListLimit;

	private final long sendTimeLimitNanos;

	private final long pongTimeoutNanos;

	private volatile boolean running;

	private ScheduledFuture<?> pings;

	private ScheduledFuture<?> checks;

	ChatSessions(Presence presence, PrivateChannel privateChannel, NameRegistry names, ServerFrames frames,
			TaskScheduler scheduler, @Qualifier(WebSocketConfiguration.CONTROL_EXECUTOR) Executor control,
			PushLabProperties properties) {
		this.frames = frames;
		this.scheduler = scheduler;
		this.control = control;
		this.pingInterval = properties.websocket().pingInterval();
		this.presenceListLimit = properties.websocket().presenceListLimit();
		this.sendTimeLimitNanos = properties.websocket().sendTimeLimit().toNanos();
		this.pongTimeoutNanos = properties.websocket().pongTimeout().toNanos();
		presence.addListener(this::presenceChanged);
		privateChannel.addListener(this::deliverPrivate);
		names.addListener(this::nameLost);
	}

	void add(ChatConnection connection) {
		this.byId.put(connection.id(), connection);
		index(this.byUser, connection.user(), connection);
	}

	ChatConnection get(String id) {
		return this.byId.get(id);
	}

	/**
	 * @param user a chat name
	 * @return that user's open connections on this instance
	 */
	Set<ChatConnection> connectionsOf(String user) {
		return this.byUser.getOrDefault(user, Set.of());
	}

	ChatConnection remove(String id) {
		ChatConnection connection = this.byId.remove(id);
		if (connection != null) {
			unindex(this.byUser, connection.user(), connection);
		}
		return connection;
	}

	void joined(ChatConnection connection, String room) {
		index(this.byRoom, room, connection);
	}

	void left(ChatConnection connection, String room) {
		unindex(this.byRoom, room, connection);
		PresenceState state = this.presenceStates.get(room);
		if (state != null) {
			synchronized (state) {
				state.awaiting.remove(connection);
				if (!state.scheduled && !this.byRoom.containsKey(room)) {
					// no local member left: forget the room's presence state
					state.removed = true;
					this.presenceStates.remove(room, state);
				}
			}
		}
	}

	/**
	 * @return how many rooms have presence state on this instance
	 */
	int presenceRooms() {
		return this.presenceStates.size();
	}

	/**
	 * @return the number of open chat connections on this instance
	 */
	public int size() {
		return this.byId.size();
	}

	/**
	 * Tells a room's members of a change, so that a join never costs each other member
	 * the room's whole list. A connection that has just joined gets the list (its first
	 * {@code presence-list-limit} names and the count) from the first change it hears. In
	 * a room of up to {@code presence-list-limit} users every other member gets the
	 * change at once, as a delta ({@code joined} or {@code left} and the count): one
	 * small frame per member. In a larger room deltas would still make a join storm cost
	 * members² frames (5,000 joins: 12.5 million), so changes are coalesced: members get
	 * the newest (bounded) list, and the next one only after the previous one's bytes
	 * would have taken {@link #PRESENCE_BYTES_PER_SECOND} to send.
	 */
	private void presenceChanged(Presence.Change change) {
		String room = change.room();
		Set<ChatConnection> members = this.byRoom.get(room);
		if (members == null || members.isEmpty()) {
			return;
		}
		PresenceState state = presenceState(room);
		synchronized (state) {
			if (state.removed) {
				presenceChanged(change);
				return;
			}
			Set<ChatConnection> joiners = Set.of();
			if (!state.awaiting.isEmpty()) {
				joiners = Set.copyOf(state.awaiting);
				state.awaiting.clear();
				TextMessage list = this.frames.presence(room, change.users(this.presenceListLimit), change.count());
				for (ChatConnection joiner : joiners) {
					joiner.sendLater(list, 0, this.presenceWriter);
				}
			}
			if (!change.listChanged()) {
				return;
			}
			if (change.user() != null && !state.coalescing && change.count() <= this.presenceListLimit) {
				TextMessage delta = this.frames.presenceDelta(room, change.user(), change.joined(), change.count());
				for (ChatConnection member : members) {
					if (!joiners.contains(member)) {
						member.sendLater(delta, 0, this.presenceWriter);
					}
				}
				return;
			}
			state.coalescing = true;
			state.latest = change.users(this.presenceListLimit);
			state.latestCount = change.count();
			if (!state.scheduled) {
				state.scheduled = true;
				long delay = Math.max(PRESENCE_MIN_DELAY.toNanos(), state.nextAllowedNanos - System.nanoTime());
				this.scheduler.schedule(() -> flushPresence(room, state), Instant.now().plusNanos(delay));
			}
		}
	}

	/**
	 * Sends a coalesced room's newest list to its members; a room back within
	 * {@code presence-list-limit} users gets deltas again from here on. The frames are
	 * only queued here ({@link ChatConnection#sendLater}): joins and leaves, which need
	 * the monitor, never wait for a list being written to thousands of members.
	 */
	private void flushPresence(String room, PresenceState state) {
		synchronized (state) {
			List<String> users = state.latest;
			state.latest = null;
			state.scheduled = false;
			state.coalescing = state.latestCount > this.presenceListLimit;
			Set<ChatConnection> members = this.byRoom.get(room);
			if (members == null || members.isEmpty()) {
				// no local member left: forget the room's presence state
				state.removed = true;
				this.presenceStates.remove(room, state);
				return;
			}
			if (users == null) {
				return;
			}
			TextMessage frame = this.frames.presence(room, users, state.latestCount);
			int sent = 0;
			for (ChatConnection member : members) {
				member.sendLater(frame, 0, this.presenceWriter);
				sent++;
			}
			long bytes = (long) frame.getPayloadLength() * sent;
			state.nextAllowedNanos = System.nanoTime() + bytes * 1_000_000_000L / PRESENCE_BYTES_PER_SECOND;
		}
	}

	/**
	 * Marks a connection that is about to join a room: the next change of the room it
	 * hears (its own join, or one just before) brings it the room's list.
	 * @param connection the connection
	 * @param room the room
	 */
	void awaitPresence(ChatConnection connection, String room) {
		PresenceState state = presenceState(room);
		synchronized (state) {
			if (state.removed) {
				awaitPresence(connection, room);
				return;
			}
			state.awaiting.add(connection);
		}
	}

	private PresenceState presenceState(String room) {
		return this.presenceStates.computeIfAbsent(room, (r) -> new PresenceState());
	}

	/**
	 * A room's presence on this instance, guarded by its monitor: the connections waiting
	 * for their first list, and, while changes are coalesced, the newest list not sent
	 * yet.
	 */
	private static final class PresenceState {

		final Set<ChatConnection> awaiting = new LinkedHashSet<>();

		boolean removed;

		boolean coalescing;

		List<String> latest;

		int latestCount;

		boolean scheduled;

		long nextAllowedNanos;

	}

	private void deliverPrivate(PrivateMessage message) {
		Set<ChatConnection> targets = new LinkedHashSet<>();
		addAll(targets, this.byUser.get(message.to()));
		addAll(targets, this.byUser.get(message.from()));
		if (targets.isEmpty()) {
			return;
		}
		TextMessage frame = this.frames.privateMessage(message);
		for (ChatConnection target : targets) {
			target.send(frame, 1);
		}
	}

	/**
	 * Closes (4009) this instance's connections of a user whose owner lost the name to
	 * another session. They leave the user's index first, so no private message for the
	 * name reaches them from now on, even before the close completes; and nothing they
	 * send is heard any more ({@link ChatWebSocketHandler}).
	 */
	private void nameLost(String user, String owner) {
		for (ChatConnection connection : List.copyOf(connectionsOf(user))) {
			if (connection.owner().equals(owner)) {
				unindex(this.byUser, user, connection);
				connection.closeQuietly(ChatWebSocketHandler.NAME_TAKEN);
			}
		}
	}

	private static void addAll(Set<ChatConnection> into, Collection<ChatConnection> connections) {
		if (connections != null) {
			into.addAll(connections);
		}
	}

	@Override
	public Technique technique() {
		return Technique.WEBSOCKET;
	}

	/**
	 * Closes every connection that has joined the room with 1012 (the recovery drill);
	 * the client reconnects, joins again and gets the room's history.
	 * @param room a room
	 * @return the number of connections closed
	 */
	@Override
	public int drop(String room) {
		Set<ChatConnection> members = this.byRoom.get(room);
		if (members == null) {
			return 0;
		}
		List<ChatConnection> dropped = List.copyOf(members);
		for (ChatConnection connection : dropped) {
			connection.closeQuietly(DROPPED);
		}
		return dropped.size();
	}

	void ping() {
		for (ChatConnection connection : this.byId.values()) {
			connection.ping();
		}
	}

	/**
	 * Closes (1008) every connection whose write has been in flight longer than
	 * {@code send-time-limit}, or whose ping has waited longer than {@code pong-timeout}.
	 */
	void check() {
		for (ChatConnection connection : this.byId.values()) {
			connection.outbound().check(this.sendTimeLimitNanos, this.pongTimeoutNanos);
		}
	}

	/** A quarter of the shortest bound checked, between 50 ms and 1 s. */
	private Duration checkInterval() {
		long shortest = this.sendTimeLimitNanos;
		if (this.pongTimeoutNanos > 0) {
			shortest = Math.min(shortest, this.pongTimeoutNanos);
		}
		long quarter = shortest / 4;
		return Duration
			.ofNanos(Math.max(Duration.ofMillis(50).toNanos(), Math.min(Duration.ofSeconds(1).toNanos(), quarter)));
	}

	private static void index(ConcurrentMap<String, Set<ChatConnection>> index, String key, ChatConnection connection) {
		index.compute(key, (k, set) -> {
			Set<ChatConnection> members = (set != null) ? set : ConcurrentHashMap.newKeySet();
			members.add(connection);
			return members;
		});
	}

	private static void unindex(ConcurrentMap<String, Set<ChatConnection>> index, String key,
			ChatConnection connection) {
		index.computeIfPresent(key, (k, set) -> {
			set.remove(connection);
			return set.isEmpty() ? null : set;
		});
	}

	@Override
	public void start() {
		this.pings = this.scheduler.scheduleAtFixedRate(() -> this.control.execute(this::ping), this.pingInterval);
		this.checks = this.scheduler.scheduleAtFixedRate(this::check, checkInterval());
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.pings != null) {
			this.pings.cancel(false);
			this.checks.cancel(false);
		}
		for (ChatConnection connection : this.byId.values()) {
			connection.closeQuietly(CloseStatus.GOING_AWAY.withReason("server shutting down"));
		}
		this.presenceWriter.shutdown();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
