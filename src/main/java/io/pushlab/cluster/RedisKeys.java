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

	/**
	 * The rooms held in the cluster: a sorted set of room names scored by when each was
	 * last used (Redis time, ms); its size is what {@code pushlab.rooms.max} bounds.
	 */
	String rooms() {
		return this.prefix + "rooms";
	}

	/**
	 * Who created each room held: a hash of room name to owner (a client address), for
	 * the rooms created on behalf of one; removed with the room.
	 */
	String roomOwners() {
		return this.prefix + "rooms-owner";
	}

	/**
	 * The rooms held per owner: a hash of owner to how many of {@link #roomOwners()} it
	 * created; what {@code pushlab.rooms.max-per-address} bounds. An owner without rooms
	 * has no field.
	 */
	String ownedRooms() {
		return this.prefix + "rooms-owned";
	}

	/**
	 * The last ids of evicted rooms: a sorted set of room names scored by their last id,
	 * at most 10 × {@code pushlab.rooms.max} of them (the lowest are forgotten first).
	 */
	String evictedRooms() {
		return this.prefix + "rooms-evicted";
	}

	/**
	 * The highest last id forgotten from {@link #evictedRooms()}: where new rooms start.
	 */
	String forgottenLastId() {
		return this.prefix + "rooms-forgotten";
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
	 * The names of one UTS #39 skeleton: the owner ({@code owner}), the spelling in use
	 * ({@code name}), claims per instance ({@code c:<instance>}) and, once all are
	 * released, the end of the owner's reservation ({@code reserved}, Redis time in ms).
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
