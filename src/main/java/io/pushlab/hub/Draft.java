package io.pushlab.hub;

/**
 * What a publisher sends: a message before the hub gives it an id and a time. Validate
 * with {@link MessageRules} first.
 *
 * @param from the sender's name
 * @param text the text
 * @param nonce the optional tag (may be {@code null})
 */
public record Draft(String from, String text, String nonce) {
}
