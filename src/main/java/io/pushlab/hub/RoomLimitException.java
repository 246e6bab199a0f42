package io.pushlab.hub;

/**
 * A room could not be created: the hub holds its maximum number of rooms
 * ({@code pushlab.rooms.max}). Nothing was stored or subscribed. Rooms without
 * subscribers are removed once idle, so the client may try again later.
 */
public class RoomLimitException extends RuntimeException {

	private final long retryAfterSeconds;

	/**
	 * @param max the bound
	 * @param retryAfterSeconds when trying again may succeed, in seconds
	 */
	public RoomLimitException(int max, long retryAfterSeconds) {
		super("room: the server holds its maximum of " + max
				+ " rooms; a new room can be created once an idle one is removed, try again later", null, false, false);
		this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
	}

	/**
	 * @return when trying again may succeed, in seconds
	 */
	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
