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

	/** Live instances: a sorted set of instance ids scored by when they expire (ms). */
	String instances() {
		return this.prefix + "instances";
	}

	/** The rooms an instance has had members in, so its members can be reaped. */
	String instanceRooms(String instanceId) {
		return this.prefix + "instance:" + instanceId + ":rooms";
	}

	/** A room's members: a hash of {@code <instance>/<connection>} to user name. */
	String presence(String room) {
		return this.prefix + "presence:" + room;
	}

	/** The channel announcing a room's new member list. */
	String presenceChannel() {
		return this.prefix + "presence";
	}

	/**
	 * A user name's owner ({@code owner}) and claims per instance ({@code c:<instance>}).
	 */
	String name(String name) {
		return this.prefix + "name:" + name;
	}

	/** The channel that carries private messages to every instance. */
	String privateChannel() {
		return this.prefix + "private";
	}

	/** The channel that carries the recovery drill's cluster-wide drops. */
	String dropChannel() {
		return this.prefix + "drop";
	}

}
