package io.pushlab.hub;

/**
 * Turns a message into the contract's JSON. Called once per published message.
 */
@FunctionalInterface
public interface MessageCodec {

	String toJson(Message message);

}
