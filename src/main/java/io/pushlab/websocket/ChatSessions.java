package io.pushlab.websocket;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Presence;
import io.pushlab.hub.PrivateChannel;
import io.pushlab.hub.PrivateMessage;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * The chat connections of this instance, indexed by id, user and joined room. It hands
 * the hub's presence changes to the local members of the room and private messages to the
 * local connections of their sender and addressee, each frame encoded once; it pings
 * every connection each {@code ping-interval}, and closes them all (1001) at shutdown.
 * Thread-safe; nothing here blocks.
 */
@Component
public class ChatSessions implements SmartLifecycle {

	private final ConcurrentMap<String, ChatConnection> byId = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<ChatConnection>> byUser = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<ChatConnection>> byRoom = new ConcurrentHashMap<>();

	private final ServerFrames frames;

	private final TaskScheduler scheduler;

	private final Duration pingInterval;

	private volatile boolean running;

	private ScheduledFuture<?> pings;

	ChatSessions(Presence presence, PrivateChannel privateChannel, ServerFrames frames, TaskScheduler scheduler,
			PushLabProperties properties) {
		this.frames = frames;
		this.scheduler = scheduler;
		this.pingInterval = properties.websocket().pingInterval();
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
	}

	/**
	 * @return the number of open chat connections on this instance
	 */
	public int size() {
		return this.byId.size();
	}

	private void presenceChanged(String room, List<String> users) {
		Set<ChatConnection> members = this.byRoom.get(room);
		if (members == null || members.isEmpty()) {
			return;
		}
		TextMessage frame = this.frames.presence(room, users);
		for (ChatConnection member : members) {
			member.send(frame, 0);
		}
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

	void ping() {
		for (ChatConnection connection : this.byId.values()) {
			connection.ping();
		}
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
		this.pings = this.scheduler.scheduleAtFixedRate(this::ping, this.pingInterval);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.pings != null) {
			this.pings.cancel(false);
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
