package io.pushlab.hub;

import java.util.Comparator;
import java.util.List;

/**
 * Who is in which room. A member is one connection ({@code memberId}) of a user; a room
 * lists each user once, while any of that user's connections is in it. Every join and
 * leave is announced to every listener (on every instance, for a shared implementation)
 * with the room's new list, in the order the changes happened in that room. Thread-safe.
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
		 * @param room the room that changed
		 * @param users its users now, sorted by {@link #ORDER}, each once
		 */
		void changed(String room, List<String> users);

	}

	/**
	 * Adds a connection of a user to a room and announces the room's list, even when the
	 * user was already listed through another connection.
	 * @param room the room
	 * @param user the user's name
	 * @param memberId the connection, unique across instances
	 */
	void join(String room, String user, String memberId);

	/**
	 * Removes a connection from a room and announces the room's list; nothing happens
	 * when the connection was not in the room.
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
