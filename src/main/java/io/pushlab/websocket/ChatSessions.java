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
import java.util.concurrent.ScheduledFuture;

import io.pushlab.config.PushLabProperties;
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
 * local connections of their sender and addressee, each frame encoded once; it pings
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

	/** Rooms up to this size get every presence change at once. */
	static final int PRESENCE_IMMEDIATE_MEMBERS = 64;

	/** Presence bytes (frame size times members) a room may send per second. */
	static final long PRESENCE_BYTES_PER_SECOND = 16L * 1024 * 1024;

	/** Shortest wait of a coalesced presence change. */
	static final Duration PRESENCE_MIN_DELAY = Duration.ofMillis(50);

	private final ConcurrentMap<String, PresenceState> presenceStates = new ConcurrentHashMap<>();

	private final ServerFrames frames;

	private final TaskScheduler scheduler;

	private final Executor control;

	private final Duration pingInterval;

	private final long sendTimeLimitNanos;

	private final long pongTimeoutNanos;

	private volatile boolean running;

	private ScheduledFuture<?> pings;

	private ScheduledFuture<?> checks;

	ChatSessions(Presence presence, PrivateChannel privateChannel, ServerFrames frames, TaskScheduler scheduler,
			@Qualifier(WebSocketConfiguration.CONTROL_EXECUTOR) Executor control, PushLabProperties properties) {
		this.frames = frames;
		this.scheduler = scheduler;
		this.control = control;
		this.pingInterval = properties.websocket().pingInterval();
		this.sendTimeLimitNanos = properties.websocket().sendTimeLimit().toNanos();
		this.pongTimeoutNanos = properties.websocket().pongTimeout().toNanos();
		presence.addListener(this::presenceChanged);
		privateChannel.addListener(this::deliverPrivate);
	}

	void add(ChatConnection connection) {
		this.byId.put(connection.id(), connection);
		index(this.byUser, connection.user(), connection);
	}

	ChatConnection get(String id) {
		return this.byId.get(id);
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
		if (!this.byRoom.containsKey(room)) {
			forgetPresence(room);
		}
	}

	/**
	 * Drops a room's presence state once it has no local member and nothing waits to be
	 * sent, so rooms joined once and left do not stay in memory.
	 */
	private void forgetPresence(String room) {
		PresenceState state = this.presenceStates.get(room);
		if (state == null) {
			return;
		}
		synchronized (state) {
			if (!state.scheduled && !this.byRoom.containsKey(room)) {
				this.presenceStates.remove(room, state);
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
	 * Sends a room's new member list to its members. In a small room every change goes
	 * out at once. In a large room a burst of joins would cost members² list entries
	 * (each join sends the whole list to every member: 5,000 joins, 12.5 million frames),
	 * so changes are coalesced: members get the newest list, and the next one only after
	 * the previous one's bytes would have taken {@link #PRESENCE_BYTES_PER_SECOND} to
	 * send.
	 */
	private void presenceChanged(String room, List<String> users) {
		Set<ChatConnection> members = this.byRoom.get(room);
		if (members == null || members.isEmpty()) {
			return;
		}
		PresenceState state = this.presenceStates.computeIfAbsent(room, (r) -> new PresenceState());
		synchronized (state) {
			long now = System.nanoTime();
			if (!state.scheduled && members.size() <= PRESENCE_IMMEDIATE_MEMBERS) {
				sendPresence(room, users, members, state);
				return;
			}
			state.latest = users;
			if (!state.scheduled) {
				state.scheduled = true;
				long delay = Math.max(PRESENCE_MIN_DELAY.toNanos(), state.nextAllowedNanos - now);
				this.scheduler.schedule(() -> flushPresence(room, state), Instant.now().plusNanos(delay));
			}
		}
	}

	private void flushPresence(String room, PresenceState state) {
		synchronized (state) {
			List<String> users = state.latest;
			state.latest = null;
			state.scheduled = false;
			Set<ChatConnection> members = this.byRoom.get(room);
			if (users != null && members != null && !members.isEmpty()) {
				sendPresence(room, users, members, state);
			}
			else if (members == null || members.isEmpty()) {
				this.presenceStates.remove(room, state);
			}
		}
	}

	private void sendPresence(String room, List<String> users, Set<ChatConnection> members, PresenceState state) {
		TextMessage frame = this.frames.presence(room, users);
		int sent = 0;
		for (ChatConnection member : members) {
			member.send(frame, 0);
			sent++;
		}
		long bytes = (long) frame.getPayloadLength() * sent;
		state.nextAllowedNanos = System.nanoTime() + bytes * 1_000_000_000L / PRESENCE_BYTES_PER_SECOND;
	}

	/**
	 * A room's coalesced presence: the newest list not sent yet, guarded by its monitor.
	 */
	private static final class PresenceState {

		List<String> latest;

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
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
