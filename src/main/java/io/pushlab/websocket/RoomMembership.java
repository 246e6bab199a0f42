package io.pushlab.websocket;

import java.util.ArrayList;
import java.util.List;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;

/**
 * One connection's membership of one room: the hub's {@link Subscriber} for it. It is
 * subscribed live before the history is read, and holds back live messages until the
 * {@code history} frame is queued; then it sends those newer than the history, and every
 * later one: nothing is lost or doubled between history and live, and the history comes
 * first. {@link #deliver} never blocks.
 */
final class RoomMembership implements Subscriber {

	/** Live messages held back while the history is read; more closes the connection. */
	static final int MAX_HELD_BACK = 1000;

	private final ChatConnection connection;

	private final String room;

	private List<Envelope> heldBack = new ArrayList<>();

	private long historyEnd;

	private Subscription subscription;

	private boolean closed;

	RoomMembership(ChatConnection connection, String room) {
		this.connection = connection;
		this.room = room;
	}

	String room() {
		return this.room;
	}

	@Override
	public boolean deliver(Envelope envelope) {
		synchronized (this) {
			if (this.closed) {
				return false;
			}
			if (this.heldBack != null) {
				if (this.heldBack.size() >= MAX_HELD_BACK) {
					this.connection.overflow();
					return false;
				}
				this.heldBack.add(envelope);
				return true;
			}
			if (envelope.id() <= this.historyEnd) {
				return true;
			}
		}
		return this.connection.send(envelope.encoded(ServerFrames.CHAT), 1);
	}

	/**
	 * Keeps the hub registration so {@link #close()} can end it.
	 * @param subscription the registration
	 */
	void attach(Subscription subscription) {
		synchronized (this) {
			if (!this.closed) {
				this.subscription = subscription;
				return;
			}
		}
		subscription.close();
	}

	/**
	 * Sends the {@code history} frame, then the live messages held back since the
	 * subscription that are newer than it, and goes live. On a repeated join, only sends
	 * the history again.
	 * @param history the room's newest messages, oldest first
	 * @param lastId the room's newest id when the history was read
	 */
	void sendHistory(List<Envelope> history, long lastId) {
		this.connection.send(ServerFrames.history(this.room, history), history.size());
		synchronized (this) {
			if (this.heldBack == null) {
				return;
			}
			long end = lastId;
			if (!history.isEmpty()) {
				end = Math.max(end, history.get(history.size() - 1).id());
			}
			this.historyEnd = end;
			for (Envelope envelope : this.heldBack) {
				if (envelope.id() > end) {
					this.connection.send(envelope.encoded(ServerFrames.CHAT), 1);
				}
			}
			this.heldBack = null;
		}
	}

	/** Stops deliveries and ends the hub registration. Idempotent. */
	void close() {
		Subscription registration;
		synchronized (this) {
			this.closed = true;
			this.heldBack = null;
			registration = this.subscription;
			this.subscription = null;
		}
		if (registration != null) {
			registration.close();
		}
	}

}
