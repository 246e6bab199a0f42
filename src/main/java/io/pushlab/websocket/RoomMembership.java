package io.pushlab.websocket;

import java.util.List;
import java.util.concurrent.Executor;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;

/**
 * One connection's membership of one room: the hub's {@link Subscriber} for it. The join
 * subscribes with the hub's replay ({@link io.pushlab.hub.Broker#subscribe}): the replay
 * (the room's newest {@code history-on-join} messages) becomes the {@code history} frame,
 * and every later message a {@code chat} frame, so the history comes first and nothing is
 * lost or doubled between the two. {@link #deliver} never blocks and never writes: it
 * queues the frame on the connection, and an idle connection's write starts on
 * WebSocket's write executor, so a publish's fan-out only queues. While the server is
 * behind, frames queue up on each connection and go out in batches (see
 * {@link Outbound}).
 */
final class RoomMembership implements Subscriber {

	private final ChatConnection connection;

	private final String room;

	private final int historySize;

	private final Executor writers;

	private Subscription subscription;

	private boolean closed;

	/**
	 * @param connection the connection
	 * @param room the room
	 * @param historySize how many of the newest messages the {@code history} frame holds
	 * @param writers where an idle connection's write of a chat frame starts
	 */
	RoomMembership(ChatConnection connection, String room, int historySize, Executor writers) {
		this.connection = connection;
		this.room = room;
		this.historySize = historySize;
		this.writers = writers;
	}

	String room() {
		return this.room;
	}

	@Override
	public int replayLimit() {
		return this.historySize;
	}

	@Override
	public boolean replay(List<Envelope> messages, boolean gap) {
		return this.connection.send(ServerFrames.history(this.room, messages), messages.size());
	}

	@Override
	public boolean deliver(Envelope envelope) {
		return this.connection.sendLater(envelope.encoded(ServerFrames.CHAT), 1, this.writers);
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
	 * Ends the hub registration but stays a member, before a repeated join subscribes
	 * again (and so sends a new {@code history} frame): a message published in between is
	 * in that history, and none comes twice as a {@code chat} frame.
	 */
	void detach() {
		Subscription registration;
		synchronized (this) {
			registration = this.subscription;
			this.subscription = null;
		}
		if (registration != null) {
			registration.close();
		}
	}

	/** Stops deliveries and ends the hub registration. Idempotent. */
	void close() {
		Subscription registration;
		synchronized (this) {
			this.closed = true;
			registration = this.subscription;
			this.subscription = null;
		}
		if (registration != null) {
			registration.close();
		}
	}

}
