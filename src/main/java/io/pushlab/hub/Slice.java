package io.pushlab.hub;

import java.util.List;

/**
 * A read of a room's log by cursor.
 *
 * @param room the room
 * @param messages the messages with {@code id > after}, oldest first, at most the limit
 * @param last the newest id in the room, 0 when empty
 * @param gap true when some messages after the cursor are no longer retained
 */
public record Slice(String room, List<Envelope> messages, long last, boolean gap) {
}
