package io.pushlab.websocket;

/** The contract's error codes of the chat protocol, by their wire name. */
enum ErrorCode {

	/** The frame is not a JSON object of the protocol's shape. */
	BAD_JSON("bad_json"),
	/** The frame's {@code type} is missing or unknown. */
	UNKNOWN_TYPE("unknown_type"),
	/** The {@code room} is missing or breaks the room rule. */
	INVALID_ROOM("invalid_room"),
	/** The {@code text} is missing, blank or too long. */
	INVALID_TEXT("invalid_text"),
	/** A chat or leave for a room this connection has not joined. */
	NOT_JOINED("not_joined"),
	/** A private message to a user with no open connection (or no valid name). */
	USER_OFFLINE("user_offline"),
	/** The frame came over the connection's rate limit and was dropped. */
	RATE_LIMITED("rate_limited"),
	/**
	 * A join past {@code pushlab.websocket.max-rooms-per-connection}, or of a new room
	 * while the server holds {@code pushlab.rooms.max} rooms.
	 */
	TOO_MANY_ROOMS("too_many_rooms"),
	/**
	 * The hub's backing store (Redis, with {@code pushlab.broker=redis}) is unreachable:
	 * nothing was stored or sent; the client may try again.
	 */
	UNAVAILABLE("unavailable");

	private final String wire;

	ErrorCode(String wire) {
		this.wire = wire;
	}

	String wire() {
		return this.wire;
	}

}
