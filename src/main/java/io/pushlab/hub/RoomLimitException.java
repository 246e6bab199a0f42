package io.pushlab.hub;

/**
 * A room could not be created: the hub holds its maximum number of rooms
 * ({@code pushlab.rooms.max}), or the owner asking (a client address) holds its share of
 * them ({@code pushlab.rooms.max-per-address}). Nothing was stored or subscribed. Rooms
 * without subscribers are removed once idle, so the client may try again later; rooms
 * that exist are never refused.
 */
public class RoomLimitException extends RuntimeException {

	/** The {@code pushlab.rejected} reason when the hub is full. */
	public static final String ROOM_LIMIT = "room_limit";

	/** The {@code pushlab.rejected} reason when the owner holds its share. */
	public static final String ROOMS_PER_ADDRESS = "rooms_per_address";

	private final long retryAfterSeconds;

	private final String reason;

	/**
	 * The hub holds its maximum.
	 * @param max the bound
	 * @param retryAfterSeconds when trying again may succeed, in seconds
	 */
	public RoomLimitException(int max, long retryAfterSeconds) {
		this(ROOM_LIMIT,
				"room: the server holds its maximum of " + max
						+ " rooms; a new room can be created once an idle one is removed, try again later",
				retryAfterSeconds);
	}

	private RoomLimitException(String reason, String message, long retryAfterSeconds) {
		super(message, null, false, false);
		this.reason = reason;
		this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
	}

	/**
	 * The owner holds its share of rooms.
	 * @param share the rooms one owner may have created and held at once
	 * @param max the hub's bound
	 * @param retryAfterSeconds when trying again may succeed, in seconds
	 * @return the exception
	 */
	public static RoomLimitException ownerShare(int share, int max, long retryAfterSeconds) {
		return new RoomLimitException(ROOMS_PER_ADDRESS,
				"room: your address holds " + share + " new rooms, its share of the server's " + max
						+ "; use a room that exists, or create one once one of yours is removed when idle",
				retryAfterSeconds);
	}

	/**
	 * @return when trying again may succeed, in seconds
	 */
	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	/**
	 * @return the {@code pushlab.rejected} reason: {@link #ROOM_LIMIT} or
	 * {@link #ROOMS_PER_ADDRESS}
	 */
	public String reason() {
		return this.reason;
	}

}
