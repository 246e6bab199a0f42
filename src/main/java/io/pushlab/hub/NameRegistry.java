package io.pushlab.hub;

/**
 * Who owns which user name. A name belongs to the owner (an HTTP session id, or a
 * connection's own id when it has no session) that first claimed it, for as long as that
 * owner holds at least one claim: each successful {@link #claim} is matched by one
 * {@link #release}, typically one per open connection. When the owner's last claim is
 * released the name stays reserved for that owner for a grace period (the owner's
 * reconnect backoff), and only then is free for others.
 * <p>
 * Ownership is held per UTS #39 skeleton ({@link MessageRules#skeleton}): while a name is
 * held or reserved, no other owner may claim a name that looks like it, and its owner
 * uses one spelling at a time. Thread-safe; a shared implementation gives the same answer
 * on every instance, and tells its {@link Listener}s when this instance's claims were
 * taken away from an owner (another session took the name while this instance was cut
 * off), so that the owner's connections here end.
 */
public interface NameRegistry {

	/** What a claim of a name for an owner is answered. */
	enum Claim {

		/** The name was free, reserved for this owner, or already this owner's. */
		GRANTED,

		/** Another owner has a connection under this name. */
		IN_USE,

		/** Another owner left under this name less than the grace period ago. */
		RESERVED,

		/**
		 * A name that looks like this one (same skeleton) is held or reserved, by another
		 * owner or by this owner under the other spelling.
		 */
		CONFUSABLE

	}

	/**
	 * Hears that an owner lost a name it held here: the name is another session's now,
	 * and the owner's claims on this instance no longer count.
	 */
	@FunctionalInterface
	interface Listener {

		/**
		 * Called on the registry's own thread, at most once per loss; must not block.
		 * @param name the user name the owner's connections on this instance use
		 * @param owner the owner that lost it
		 */
		void lost(String name, String owner);

	}

	/**
	 * Claims a name once more for an owner.
	 * @param name the user name, valid
	 * @param owner the owner
	 * @return {@link Claim#GRANTED} when the claim is counted; otherwise why not (nothing
	 * changes)
	 */
	Claim claim(String name, String owner);

	/**
	 * Gives back one claim; when it was the owner's last, the name is reserved for the
	 * owner for the grace period, then free. Releasing a name the owner does not hold
	 * does nothing.
	 * @param name the user name
	 * @param owner the owner
	 */
	void release(String name, String owner);

	/**
	 * Tells what a claim would answer, without claiming.
	 * @param name the user name, valid
	 * @param owner the owner asking, or {@code null} for nobody's
	 * @return what {@link #claim} would answer now
	 */
	Claim check(String name, String owner);

	/**
	 * @param name the user name
	 * @return true when some owner holds this very name now (its user has a connection
	 * somewhere); false when it is free or only reserved
	 */
	boolean isClaimed(String name);

	/**
	 * Registers a listener for names lost from now on. A registry whose every claim is
	 * decided in one place (the embedded one) never takes a held name away, and ignores
	 * listeners.
	 * @param listener the listener
	 */
	default void addListener(Listener listener) {
	}

}
