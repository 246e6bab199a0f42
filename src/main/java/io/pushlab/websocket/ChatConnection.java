package io.pushlab.websocket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import io.pushlab.hub.Mailbox;
import io.pushlab.technique.Technique;
import io.pushlab.stats.TechniqueStats;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * One open chat connection on this instance: its user, the owner of its name, the rooms
 * it has joined and its rate limit. Sending never blocks the caller: frames go, in order,
 * through a bounded {@link Mailbox} to one writer at a time on the delivery executor,
 * which writes through a {@link ConcurrentWebSocketSessionDecorator}. A connection that
 * falls {@code send-buffer-size} bytes behind, or whose write fails or outlasts
 * {@code send-time-limit}, is closed with 1008 and costs no one else anything. Room
 * memberships change under this object's monitor.
 */
final class ChatConnection {

	static final CloseStatus TOO_SLOW = CloseStatus.POLICY_VIOLATION.withReason("too slow: send buffer full");

	static final CloseStatus WRITE_FAILED = CloseStatus.POLICY_VIOLATION.withReason("too slow: send failed");

	private static final PingMessage PING = new PingMessage();

	/** A frame waiting to be written, the messages it carries and its payload size. */
	private record Outgoing(WebSocketMessage<?> message, int messages, int bytes) {
	}

	private final String id;

	private final String user;

	private final String owner;

	private final ConcurrentWebSocketSessionDecorator session;

	private final Mailbox<Outgoing> mailbox;

	/**
	 * The container's endpoint of this session, for batching; null when not available.
	 */
	private final RemoteEndpoint.Basic remote;

	private final AtomicLong pendingBytes = new AtomicLong();

	private final long maxPendingBytes;

	private final TokenBucket rateLimit;

	private final TechniqueStats stats;

	private final Map<String, RoomMembership> rooms = new ConcurrentHashMap<>();

	private volatile boolean overflowed;

	private boolean closed;

	/**
	 * @param user the user's validated name
	 * @param owner the name's owner: the HTTP session id, or the connection's own id
	 * @param session the decorated session
	 * @param executor the delivery executor that lends threads for writes
	 * @param rateLimit the inbound frame limit
	 * @param stats where sent messages and bytes are counted
	 */
	ChatConnection(String user, String owner, ConcurrentWebSocketSessionDecorator session, Executor executor,
			TokenBucket rateLimit, TechniqueStats stats) {
		this.id = session.getId();
		this.user = user;
		this.owner = owner;
		this.session = session;
		this.maxPendingBytes = session.getBufferSizeLimit();
		this.rateLimit = rateLimit;
		this.stats = stats;
		int capacity = (int) Math.max(64, this.maxPendingBytes / 32);
		this.remote = basicRemote(session);
		this.mailbox = Mailbox.batching(capacity, executor, this::write, (reason) -> {
			if (reason == Mailbox.CloseReason.WRITE_FAILED) {
				closeQuietly(WRITE_FAILED);
			}
			else if (reason == Mailbox.CloseReason.OVERFLOW || this.overflowed) {
				closeQuietly(TOO_SLOW);
			}
		});
	}

	String id() {
		return this.id;
	}

	String user() {
		return this.user;
	}

	String owner() {
		return this.owner;
	}

	TokenBucket rateLimit() {
		return this.rateLimit;
	}

	/**
	 * Queues a text frame.
	 * @param frame the frame (shared, never modified)
	 * @param messages how many messages it delivers, for the statistics
	 * @return false when the connection is closed or has just been closed as too slow
	 */
	boolean send(TextMessage frame, int messages) {
		int bytes = frame.getPayloadLength();
		long pending = this.pendingBytes.addAndGet(bytes);
		if (pending > this.maxPendingBytes && pending > bytes) {
			this.pendingBytes.addAndGet(-bytes);
			overflow();
			return false;
		}
		if (!this.mailbox.offer(new Outgoing(frame, messages, bytes))) {
			this.pendingBytes.addAndGet(-bytes);
			return false;
		}
		return true;
	}

	/** Queues a ping, unless frames are waiting anyway. */
	void ping() {
		if (this.mailbox.backlog() == 0) {
			this.mailbox.offer(new Outgoing(PING, 0, 0));
		}
	}

	/**
	 * Closes the connection as too slow, on the executor (never on the caller's thread).
	 */
	void overflow() {
		this.overflowed = true;
		this.mailbox.close();
	}

	/**
	 * Writes what is waiting. Several frames go out with the container's batching on and
	 * one flush at the end, so a connection that fell behind catches up with few writes.
	 */
	private void write(List<Outgoing> batch) throws IOException {
		RemoteEndpoint.Basic remote = (batch.size() > 1) ? this.remote : null;
		if (remote != null) {
			remote.setBatchingAllowed(true);
		}
		try {
			for (Outgoing outgoing : batch) {
				write(outgoing);
			}
		}
		finally {
			if (remote != null) {
				// sends what the batch holds
				remote.setBatchingAllowed(false);
			}
		}
	}

	private void write(Outgoing outgoing) throws IOException {
		try {
			this.session.sendMessage(outgoing.message());
		}
		finally {
			this.pendingBytes.addAndGet(-outgoing.bytes());
		}
		if (outgoing.message() instanceof TextMessage) {
			this.stats.sent(Technique.WEBSOCKET, outgoing.messages(), outgoing.bytes());
		}
	}

	private static RemoteEndpoint.Basic basicRemote(ConcurrentWebSocketSessionDecorator session) {
		if (session.getDelegate() instanceof NativeWebSocketSession nativeSession) {
			Session container = nativeSession.getNativeSession(Session.class);
			if (container != null) {
				return container.getBasicRemote();
			}
		}
		return null;
	}

	/** Closes the session; what follows happens in the handler's close callback. */
	void closeQuietly(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			// already closed or broken: the container reports the close anyway
		}
	}

	/**
	 * @return how many rooms the connection is in
	 */
	int roomCount() {
		return this.rooms.size();
	}

	boolean isJoined(String room) {
		return this.rooms.containsKey(room);
	}

	RoomMembership membership(String room) {
		return this.rooms.get(room);
	}

	/**
	 * Call with this object's monitor held. @return false when the connection is closed
	 */
	boolean addMembership(RoomMembership membership) {
		if (this.closed) {
			return false;
		}
		this.rooms.put(membership.room(), membership);
		return true;
	}

	/** Call with this object's monitor held. */
	RoomMembership removeMembership(String room) {
		return this.rooms.remove(room);
	}

	/** Call with this object's monitor held. */
	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Marks the connection closed, drops what waits to be written, and hands back its
	 * memberships. Call with this object's monitor held.
	 * @return the rooms it was in
	 */
	List<RoomMembership> markClosed() {
		this.closed = true;
		this.mailbox.close();
		List<RoomMembership> memberships = new ArrayList<>(this.rooms.values());
		this.rooms.clear();
		return memberships;
	}

	@Override
	public String toString() {
		return "ChatConnection[" + this.id + ", " + this.user + "]";
	}

}
