package io.pushlab.websocket;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.Draft;
import io.pushlab.hub.NameRegistry;
import io.pushlab.hub.Presence;
import io.pushlab.hub.PrivateChannel;
import io.pushlab.hub.PrivateMessage;
import io.pushlab.hub.RoomLimitException;
import io.pushlab.stats.Rejections;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.technique.Technique;
import io.pushlab.web.ConnectionsPerAddress;
import io.pushlab.web.TooManyRequestsException;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Group and private chat on {@code /ws/chat?user={name}}, as the contract says: join and
 * leave rooms ({@code history}, then {@code presence} to every member), {@code chat}
 * published through the {@link Broker} like a POST, and {@code private} through the
 * {@link PrivateChannel}. A name is held by its owner while any of the owner's
 * connections is open, and reserved for it for {@code name-grace} after the last one
 * closed (another owner is closed with 4009, as is a look-alike name, and so is a
 * connection whose name another session took while this instance was cut off); every
 * refused frame is an {@code error} frame with the client's nonce and leaves the
 * connection open. Frames are handled one at a time per connection, the rate limit
 * checked before a frame is parsed; each connection writes through its own
 * {@link Outbound} path, so nothing here waits for another client. A pong proves the peer
 * alive ({@code pong-timeout}).
 */
@Component
public class ChatWebSocketHandler extends TextWebSocketHandler {

	static final CloseStatus NAME_IN_USE = new CloseStatus(4009, "name in use");

	/** The name's owner left less than {@code name-grace} ago: it may come back. */
	static final CloseStatus NAME_RESERVED = new CloseStatus(4009, "name reserved");

	/**
	 * A name that looks like this one, or differs only in case (same key,
	 * {@code MessageRules.skeleton}), is in use or reserved.
	 */
	static final CloseStatus NAME_CONFUSABLE = new CloseStatus(4009, "name looks like one in use");

	/**
	 * Another session took the name while this instance was cut off from the cluster (its
	 * claim had lapsed): this connection no longer holds it.
	 */
	static final CloseStatus NAME_TAKEN = new CloseStatus(4009, "name taken by another session");

	static final CloseStatus TOO_BIG = new CloseStatus(1009, "message too big");

	/** The error message that answers a binary message. */
	static final String BINARY = "frame: binary messages are not part of the chat protocol; send each frame as JSON text";

	/** The names cannot be checked (Redis is away): try again later (RFC 6455 1013). */
	static final CloseStatus UNAVAILABLE = new CloseStatus(1013, "try again later");

	/**
	 * Session attribute: the connection's place in its address's count
	 * ({@link ConnectionsPerAddress}), given back when it closes.
	 */
	static final String LEASE = "pushlab.lease";

	private final Broker broker;

	private final Presence presence;

	private final NameRegistry names;

	private final PrivateChannel privateChannel;

	private final ChatSessions sessions;

	private final ClientFrames clientFrames;

	private final ServerFrames serverFrames;

	private final ExecutorService control;

	private final TechniqueStats stats;

	private final Rejections rejections;

	private final Clock clock;

	private final PushLabProperties.Websocket settings;

	private final ExecutorService writers;

	private final ConnectionsPerAddress connections;

	ChatWebSocketHandler(Broker broker, Presence presence, NameRegistry names, PrivateChannel privateChannel,
			ChatSessions sessions, ClientFrames clientFrames, ServerFrames serverFrames,
			@Qualifier(WebSocketConfiguration.CONTROL_EXECUTOR) ExecutorService control, TechniqueStats stats,
			Rejections rejections, Clock clock, PushLabProperties properties,
			@Qualifier(WebSocketConfiguration.WRITE_EXECUTOR) ExecutorService writers,
			ConnectionsPerAddress connections) {
		this.broker = broker;
		this.presence = presence;
		this.names = names;
		this.privateChannel = privateChannel;
		this.sessions = sessions;
		this.clientFrames = clientFrames;
		this.serverFrames = serverFrames;
		this.control = control;
		this.stats = stats;
		this.rejections = rejections;
		this.clock = clock;
		this.settings = properties.websocket();
		this.writers = writers;
		this.connections = connections;
	}

	// @excerpt websocket
	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		this.stats.opened(Technique.WEBSOCKET);
		// the handshake refused an address already at its bound (429); one that reached
		// it meanwhile is closed here, before its name is claimed
		String address = (String) session.getAttributes().get(ChatHandshakeInterceptor.ADDRESS);
		try {
			session.getAttributes().put(LEASE, this.connections.acquire(address));
		}
		catch (TooManyRequestsException ex) {
			this.rejections.reject(ex.reason());
			session.close(CloseStatus.POLICY_VIOLATION.withReason(ex.getMessage()));
			return;
		}
		String user = (String) session.getAttributes().get(ChatHandshakeInterceptor.USER);
		String owner = (String) session.getAttributes().get(ChatHandshakeInterceptor.OWNER);
		NameRegistry.Claim claim;
		try {
			claim = this.names.claim(user, owner);
		}
		catch (BrokerUnavailableException ex) {
			session.close(UNAVAILABLE);
			return;
		}
		if (claim != NameRegistry.Claim.GRANTED) {
			refuseName(session, claim);
			return;
		}
		// one bounded queue and one non-blocking writer per connection
		Outbound outbound = new Outbound(ContainerSink.of(session, this.control, this.rejections),
				(messages, bytes) -> this.stats.sent(Technique.WEBSOCKET, messages, bytes),
				this.settings.sendBufferSize(), Math.max(64, this.settings.sendBufferSize() / 32), System::nanoTime);
		ChatConnection connection = new ChatConnection(session.getId(), user, owner, address, outbound,
				new TokenBucket(this.settings.maxMessagesPerSecond(), System::nanoTime),
				new TextParts(this.settings.maxMessageBytes()));
		this.sessions.add(connection);
	}
	// @end

	/** Closes a connection whose name is taken (4009), saying how, and counts it. */
	private void refuseName(WebSocketSession session, NameRegistry.Claim claim) throws IOException {
		CloseStatus status = switch (claim) {
			case RESERVED -> NAME_RESERVED;
			case CONFUSABLE -> NAME_CONFUSABLE;
			default -> NAME_IN_USE;
		};
		this.rejections.reject(switch (claim) {
			case RESERVED -> "name_reserved";
			case CONFUSABLE -> "name_confusable";
			default -> "name_in_use";
		});
		session.close(status);
	}

	/**
	 * Takes text messages in parts, so that the container's buffers per connection stay
	 * small; {@link TextParts} joins them and enforces {@code max-message-bytes}.
	 */
	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	// @excerpt websocket
	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		ChatConnection connection = this.sessions.get(session.getId());
		if (connection == null || connection.outbound().closeReason() != null) {
			// a connection being closed (its name taken, too big, too slow) is heard no
			// more
			return;
		}
		String payload = connection.textParts().add(message.getPayload(), message.isLast());
		if (payload == null) {
			// more parts to come
			return;
		}
		if (payload == TextParts.TOO_BIG) {
			connection.closeQuietly(TOO_BIG);
			return;
		}
		// the rate first: a frame over the limit costs no parsing
		if (overRate(connection, payload)) {
			return;
		}
		ClientFrame frame = null;
		try {
			frame = this.clientFrames.parse(payload);
			handle(connection, frame);
		}
		catch (FrameException ex) {
			sendError(connection, ex.code(), ex.getMessage(), ex.nonce());
		}
		catch (BrokerUnavailableException ex) {
			sendError(connection, ErrorCode.UNAVAILABLE, "server: " + ex.getMessage(), frame.nonce());
		}
		catch (RoomLimitException ex) {
			this.rejections.reject(ex.reason());
			sendError(connection, ErrorCode.TOO_MANY_ROOMS, ex.getMessage(), frame.nonce());
		}
	}
	// @end

	/**
	 * The chat protocol is JSON text. A binary message is answered with a
	 * {@code bad_json} error and the connection stays open, as for any other frame that
	 * is not the protocol's; over {@code max-message-bytes} it closes the connection with
	 * 1009, as a text message does. Its bytes are counted, never kept.
	 */
	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
		ChatConnection connection = this.sessions.get(session.getId());
		if (connection == null) {
			return;
		}
		switch (connection.textParts().addBinary(message.getPayloadLength(), message.isLast())) {
			case TOO_BIG -> connection.closeQuietly(TOO_BIG);
			case WHOLE -> {
				if (!overRate(connection, null)) {
					sendError(connection, ErrorCode.BAD_JSON, BINARY, null);
				}
			}
			case MORE -> {
				// more parts to come
			}
		}
	}

	/**
	 * Takes a frame from the connection's rate limit; a frame over it is dropped and
	 * answered with {@code rate_limited}.
	 * @param payload the frame's text (for its nonce), or null
	 * @return whether the frame is over the limit
	 */
	private boolean overRate(ChatConnection connection, String payload) {
		if (connection.rateLimit().tryAcquire()) {
			return false;
		}
		this.rejections.reject("websocket_rate_limited");
		sendError(connection, ErrorCode.RATE_LIMITED,
				"frame: more than " + this.settings.maxMessagesPerSecond()
						+ " frames a second (bursts up to twice that); this one was dropped",
				(payload != null) ? ClientFrames.scanNonce(payload) : null);
		return true;
	}

	/** A pong (the answer to the server's pings) proves the peer alive. */
	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		ChatConnection connection = this.sessions.get(session.getId());
		if (connection != null) {
			connection.outbound().pong();
		}
	}

	private void handle(ChatConnection connection, ClientFrame frame) {
		if (frame instanceof ClientFrame.Join join) {
			join(connection, join.room(), join.nonce());
		}
		else if (frame instanceof ClientFrame.Leave leave) {
			leave(connection, leave);
		}
		else if (frame instanceof ClientFrame.Chat chat) {
			chat(connection, chat);
		}
		else if (frame instanceof ClientFrame.Private message) {
			sendPrivate(connection, message);
		}
	}

	private void join(ChatConnection connection, String room, String nonce) {
		synchronized (connection) {
			if (connection.isClosed()) {
				return;
			}
			RoomMembership membership = connection.membership(room);
			boolean repeated = membership != null;
			if (!repeated && connection.roomCount() >= this.settings.maxRoomsPerConnection()) {
				this.rejections.reject("rooms_per_connection");
				throw new FrameException(ErrorCode.TOO_MANY_ROOMS, "room: this connection is in "
						+ this.settings.maxRoomsPerConnection() + " rooms, the most allowed; leave one first", nonce);
			}
			if (repeated) {
				membership.detach();
			}
			else {
				membership = new RoomMembership(connection, room, this.settings.historyOnJoin(), this.writers);
				connection.addMembership(membership);
				this.sessions.joined(connection, room);
			}
			try {
				// the history frame is the hub's replay of the newest messages
				membership.attach(this.broker.subscribe(room, 0, membership, connection.address()));
			}
			catch (BrokerUnavailableException | RoomLimitException ex) {
				connection.removeMembership(room);
				membership.close();
				this.sessions.left(connection, room);
				if (repeated) {
					this.presence.leave(room, connection.user(), connection.id());
				}
				throw ex;
			}
			// after the history, the room's list: with the next change heard, this join's
			// at the latest
			this.sessions.awaitPresence(connection, room);
			this.presence.join(room, connection.user(), connection.id());
		}
	}

	private void leave(ChatConnection connection, ClientFrame.Leave leave) {
		RoomMembership membership;
		synchronized (connection) {
			membership = connection.removeMembership(leave.room());
			if (membership == null) {
				throw notJoined(leave.room(), leave.nonce());
			}
			membership.close();
			this.sessions.left(connection, leave.room());
			this.presence.leave(leave.room(), connection.user(), connection.id());
		}
	}

	private void chat(ChatConnection connection, ClientFrame.Chat chat) {
		if (!connection.isJoined(chat.room())) {
			throw notJoined(chat.room(), chat.nonce());
		}
		this.broker.publish(chat.room(), new Draft(connection.user(), chat.text(), chat.nonce()), connection.address());
	}

	private void sendPrivate(ChatConnection connection, ClientFrame.Private message) {
		PrivateMessage privateMessage = new PrivateMessage(connection.user(), message.to(), message.text(),
				message.nonce(), this.clock.millis());
		if (!this.privateChannel.publish(privateMessage)) {
			// not queued: the addressee may be reconnecting (name reserved) or gone
			// a look-alike or case variant of the name may be connected: to is matched
			// exactly, never routed to a spelling the sender did not write
			NameRegistry.Claim claim = this.names.check(message.to(), null);
			String why = switch (claim) {
				case RESERVED -> " (the name is reserved for them: they may be reconnecting; send again later)";
				case CONFUSABLE -> " (a name that looks like it or differs only in case is: write the name exactly"
						+ " as the member list shows it)";
				default -> "";
			};
			throw new FrameException(ErrorCode.USER_OFFLINE, "to: " + message.to() + " is not connected" + why,
					message.nonce());
		}
	}

	private static FrameException notJoined(String room, String nonce) {
		return new FrameException(ErrorCode.NOT_JOINED,
				"room: not joined; send {\"type\": \"join\", \"room\": \"" + room + "\"} first", nonce);
	}

	private void sendError(ChatConnection connection, ErrorCode code, String message, String nonce) {
		connection.send(this.serverFrames.error(code, message, nonce), 0);
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
		ChatConnection connection = this.sessions.get(session.getId());
		if (connection != null) {
			if (Outbound.timedOut(exception)) {
				// the container's own write timeout (Tomcat reports it here as well as to
				// the write): a client that stopped reading, closed and counted as a slow
				// consumer
				connection.outbound().close(Outbound.SEND_TIMEOUT);
				return;
			}
			// the connection broke (most often the client went away: end of stream,
			// broken pipe). The close below sends a close frame, which waits behind a
			// write in flight and can time out; Tomcat reports that timeout here too, and
			// it must not count a client that left as a slow consumer
			connection.outbound().broken();
		}
		if (session.isOpen()) {
			session.close(CloseStatus.SERVER_ERROR);
		}
	}

	// @excerpt websocket
	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.stats.closed(Technique.WEBSOCKET);
		ConnectionsPerAddress.Lease lease = (ConnectionsPerAddress.Lease) session.getAttributes().remove(LEASE);
		if (lease != null) {
			lease.release();
		}
		ChatConnection connection = this.sessions.remove(session.getId());
		if (connection == null) {
			return;
		}
		List<RoomMembership> memberships;
		synchronized (connection) {
			memberships = connection.markClosed();
		}
		for (RoomMembership membership : memberships) {
			membership.close();
			this.sessions.left(connection, membership.room());
			this.presence.leave(membership.room(), connection.user(), connection.id());
		}
		this.names.release(connection.user(), connection.owner());
	}
	// @end

}
