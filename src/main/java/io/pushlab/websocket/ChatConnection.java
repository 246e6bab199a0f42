package io.pushlab.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * One open chat connection on this instance: its user, the owner of its name, the rooms
 * it has joined, its rate limit, and its one {@link Outbound} path. Sending never blocks
 * the caller: frames queue on the connection's own bounded queue and go out one
 * non-blocking write at a time, so a client that stops reading costs no one else
 * anything; it is closed with 1008 when its queue is full or a write outlasts
 * {@code send-time-limit}. Room memberships change under this object's monitor.
 */
final class ChatConnection {

	private final String id;

	private final String user;

	private final String owner;

	private final String address;

	private final Outbound outbound;

	private final TokenBucket rateLimit;

	private final TextParts textParts;

	private final Map<String, RoomMembership> rooms = new ConcurrentHashMap<>();

	private boolean closed;

	/**
	 * @param id the session's id
	 * @param user the user's validated name
	 * @param owner the name's owner: the HTTP session id, or the connection's own id
	 * @param address the client's remote address: the owner of the rooms its joins create
	 * @param outbound the connection's outbound path
	 * @param rateLimit the inbound frame limit
	 */
	ChatConnection(String id, String user, String owner, String address, Outbound outbound, TokenBucket rateLimit,
			TextParts textParts) {
		this.address = address;
		this.textParts = textParts;
		this.id = id;
		this.user = user;
		this.owner = owner;
		this.outbound = outbound;
		this.rateLimit = rateLimit;
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

	String address() {
		return this.address;
	}

	/**
	 * @return the parts of the client's message being received (used by the container's
	 * one delivering thread only)
	 */
	TextParts textParts() {
		return this.textParts;
	}

	TokenBucket rateLimit() {
		return this.rateLimit;
	}

	Outbound outbound() {
		return this.outbound;
	}

	/**
	 * Queues a text frame.
	 * @param frame the frame (shared, never modified)
	 * @param messages how many messages it delivers, for the statistics
	 * @return false when the connection is closed or has just been closed as too slow
	 */
	boolean send(TextMessage frame, int messages) {
		return this.outbound.send(frame, messages);
	}

	/**
	 * Queues a frame in order, but writes it on {@code executor}, not in the caller's
	 * time (see {@link Outbound#sendLater}).
	 * @param frame the frame
	 * @param messages how many messages it delivers
	 * @param executor where the write starts when the connection's writer is idle
	 * @return false when the connection is closed
	 */
	boolean sendLater(TextMessage frame, int messages, Executor executor) {
		return this.outbound.sendLater(frame, messages, executor);
	}

	/** Pings the client, unless frames are being written to it anyway. */
	void ping() {
		this.outbound.ping();
	}

	/**
	 * Closes the session, off the caller's thread; what follows happens in the handler's
	 * close callback. Only the first close reason counts.
	 */
	void closeQuietly(CloseStatus status) {
		this.outbound.close(status);
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
		this.outbound.closed();
		List<RoomMembership> memberships = new ArrayList<>(this.rooms.values());
		this.rooms.clear();
		return memberships;
	}

	@Override
	public String toString() {
		return "ChatConnection[" + this.id + ", " + this.user + "]";
	}

}
