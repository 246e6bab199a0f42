package io.pushlab.cluster;

/**
 * The names of every key and channel PushLab uses in Redis, all under one prefix so
 * several deployments (or test runs) can share a server.
 */
public final class RedisKeys {

	private final String prefix;

	public RedisKeys(String prefix) {
		this.prefix = prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	/** A room's id sequence (a counter: INCR gives the next id). */
	String sequence(String room) {
		return this.prefix + "room:" + room + ":seq";
	}

	/** A room's history: a stream whose entry ids are {@code <message id>-0}. */
	String log(String room) {
		return this.prefix + "room:" + room + ":log";
	}

	/** The pub/sub channel that carries every room's new messages to every instance. */
	String messagesChannel() {
		return this.prefix + "messages";
	}

}
