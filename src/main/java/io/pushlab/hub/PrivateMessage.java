package io.pushlab.hub;

/**
 * A one-to-one message. It is delivered to the connections of its sender and addressee
 * only, and is never stored in a room.
 *
 * @param from the sender's own name (never taken from the client)
 * @param to the addressee's name
 * @param text the text
 * @param nonce the sender's optional tag, echoed untouched (may be {@code null})
 * @param sentAt server epoch milliseconds when it was sent
 */
public record PrivateMessage(String from, String to, String text, String nonce, long sentAt) {
}
