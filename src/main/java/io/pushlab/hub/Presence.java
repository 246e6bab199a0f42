package io.pushlab.hub;

import java.util.Comparator;
import java.util.List;

/**
 * Who is in which room. A member is one connection ({@code memberId}) of a user; a room
 * lists each user once, while any of that user's connections is in it. Every join and
 * leave is announced to every listener (on every instance, for a shared implementation)
 * as a {@link Change}, in the order the changes happened in that room. A change costs
 * O(log members) in memory: listeners get the user that changed and the room's count, and
 * read the list only when they need it ({@link Change#users(int)}). Thread-safe.
 */
public interface Presence {

	/** The order of a room's user list: case-insensitive, then exact. */
	Comparator<String> ORDER = String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

	/**
	 * Hears every change of every room. Called while the room's order is held, so it must
	 * not block (hand off and return) and must not call back into the presence.
	 */
	@FunctionalInterface
	interface Listener {

		/**
		 * @param change what changed; valid only during the call
		 */
		void changed(Change change);

	}

	/** One join or leave of one connection, as its room's listeners hear it. */
	interface Change {

		/**
		 * @return the room that changed
		 */
		String room();

		/**
		 * @return the user whose connection joined or left, or null when the room's list
		 * was written whole (a shared implementation re-syncing after an outage): then
		 * only {@link #users(int)} and {@link #count()} say what changed
		 */
		String user();

		/**
		 * @return true for a join, false for a leave
		 */
		boolean joined();

		/**
		 * @return true when the change added the user to the room's list or removed it
		 * (its first connection joined, its last one left); false when another of the
		 * user's connections is still (or already) there
		 */
		boolean listChanged();

		/**
		 * @return how many users the room lists now
		 */
		int count();

		/**
		 * The room's users now, only during the call to the listener.
		 * @param limit most names wanted
		 * @return the first {@code limit} users, sorted by {@link #ORDER}, each once
		 */
		List<String> users(int limit);

	}

	/**
	 * Adds a connection of a user to a room and announces it, even when the user was
	 * already listed through another connection.
	 * @param room the room
	 * @param user the user's name
	 * @param memberId the connection, unique across instances
	 */
	void join(String room, String user, String memberId);

	/**
	 * Removes a connection from a room and announces it; nothing happens when the
	 * connection was not in the room.
	 * @param room the room
	 * @param user the user's name
	 * @param memberId the connection
	 */
	void leave(String room, String user, String memberId);

	/**
	 * @param room the room
	 * @return its users, sorted by {@link #ORDER}, each once
	 */
	List<String> members(String room);

	/**
	 * Registers a listener for every later change.
	 * @param listener the listener
	 */
	void addListener(Listener listener);

}
