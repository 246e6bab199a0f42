package io.pushlab.technique;

/**
 * A technique whose open connections on this instance can be dropped by room, for the
 * recovery drill ({@code POST /api/rooms/{room}/drop}): each technique ends its
 * connections its own way (an SSE stream ends, a parked long poll is answered 503, a
 * WebSocket closes with 1012), and its clients recover with their own cursor. Must be
 * thread-safe and must not wait for a client.
 */
public interface Droppable {

	/**
	 * @return the technique whose connections {@link #drop} ends
	 */
	Technique technique();

	/**
	 * Ends, on this instance, every open connection of this technique in the room.
	 * @param room a valid room name
	 * @return the number of connections ended
	 */
	int drop(String room);

}
