package io.pushlab.hub;

import java.util.Optional;

/**
 * The hub's room log and fan-out: the one seam every transport goes through. The
 * in-memory implementation is the default; a clustered one keeps the same guarantees
 * across instances.
 * <p>
 * Guarantees: per room, ids start at 1, are unique and strictly increasing; every
 * subscriber receives a room's messages in id order, each once; a message is serialized
 * once per publish; a subscriber that refuses a delivery is dropped, never waited for.
 * All methods are thread-safe. Room names are validated by the caller
 * ({@link MessageRules}). Rooms are created on first publish or subscribe, may be bounded
 * in number ({@link RoomLimitException}) and removed when idle ({@link #evictIdleRooms});
 * a room's ids never go back, even when it is removed and created again.
 * <p>
 * A room may be created on behalf of an owner: an opaque key (a transport passes the
 * client's remote address). The rooms an owner created count against its share while they
 * are held, so one owner cannot take every room; using a room that exists is never
 * refused by the share. A {@code null} owner (the server's own traffic) has no share.
 */
public interface Broker {

	/**
	 * Stores a message in the room and hands it to every subscriber of the room.
	 * @param room the room
	 * @param draft the validated message
	 * @return the stored message
	 * @throws BrokerUnavailableException when the log cannot be written
	 * @throws RoomLimitException when the room is new and the hub holds its maximum
	 */
	default Envelope publish(String room, Draft draft) {
		return publish(room, draft, null);
	}

	/**
	 * Stores a message in the room and hands it to every subscriber of the room.
	 * @param room the room
	 * @param draft the validated message
	 * @param owner who a room created by this call counts against, or {@code null}
	 * @return the stored message
	 * @throws BrokerUnavailableException when the log cannot be written
	 * @throws RoomLimitException when the room is new and the hub holds its maximum, or
	 * the owner its share
	 */
	Envelope publish(String room, Draft draft, String owner);

	/**
	 * @param room the room
	 * @param id a message id
	 * @return the message when it is still retained
	 */
	Optional<Envelope> find(String room, long id);

	/**
	 * Reads retained messages after a cursor.
	 * @param room the room
	 * @param after the cursor: only messages with a greater id are returned
	 * @param limit the most messages to return (at least 1)
	 * @return the slice
	 */
	Slice read(String room, long after, int limit);

	/**
	 * @param room the room
	 * @return the newest id in the room, 0 when it has none
	 */
	long lastId(String room);

	/**
	 * The one replay primitive: registers a subscriber and, when {@code after >= 0},
	 * hands it first the retained messages after {@code after}
	 * ({@link Subscriber#replay}, with {@code gap} when older ones are no longer
	 * retained), then the live ones ({@link Subscriber#deliver}), with nothing lost or
	 * doubled between the two; with {@code after < 0} only live messages are delivered.
	 * No message with an id at or below {@code after} is ever delivered, so a cursor
	 * beyond the room's newest id (up to {@link Long#MAX_VALUE}) replays nothing. Every
	 * transport (SSE resume, long polling, WebSocket join) goes through this and never
	 * re-derives it from {@link #lastId} and {@link #read}.
	 * @param room the room
	 * @param after the replay cursor, or -1 for live only
	 * @param subscriber the subscriber
	 * @return the registration
	 * @throws RoomLimitException when the room is new and the hub holds its maximum
	 */
	default Subscription subscribe(String room, long after, Subscriber subscriber) {
		return subscribe(room, after, subscriber, null);
	}

	/**
	 * {@link #subscribe(String, long, Subscriber)} on behalf of an owner.
	 * @param room the room
	 * @param after the replay cursor, or -1 for live only
	 * @param subscriber the subscriber
	 * @param owner who a room created by this call counts against, or {@code null}
	 * @return the registration
	 * @throws RoomLimitException when the room is new and the hub holds its maximum, or
	 * the owner its share
	 */
	Subscription subscribe(String room, long after, Subscriber subscriber, String owner);

	/**
	 * Checks, without creating anything, that the room exists or could be created now, so
	 * a transport can refuse before it commits a response.
	 * @param room the room
	 * @throws RoomLimitException when the room does not exist and the hub holds its
	 * maximum number of rooms
	 */
	default void admit(String room) {
		admit(room, null);
	}

	/**
	 * {@link #admit(String)} on behalf of an owner.
	 * @param room the room
	 * @param owner who the room would count against, or {@code null}
	 * @throws RoomLimitException when the room does not exist and the hub holds its
	 * maximum number of rooms, or the owner its share
	 */
	default void admit(String room, String owner) {
	}

	/**
	 * Removes the rooms (or this instance's state of them) that have had no subscriber
	 * and no publish or read for the idle time; called periodically.
	 * @return how many rooms were removed
	 */
	default int evictIdleRooms() {
		return 0;
	}

}
