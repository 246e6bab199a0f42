package io.pushlab.hub;

/**
 * One stored message of a room, the object every technique carries.
 *
 * @param id assigned by the hub, starts at 1 and strictly increases inside a room
 * @param room the room name
 * @param from the sender's name
 * @param text the text
 * @param nonce the publisher's optional tag, echoed untouched (may be {@code null})
 * @param sentAt server epoch milliseconds when the message was stored
 */
public record Message(long id, String room, String from, String text, String nonce, long sentAt) {
}
