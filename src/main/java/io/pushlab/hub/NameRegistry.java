package io.pushlab.hub;

/**
 * Who owns which user name. A name belongs to the owner (an HTTP session id, or a
 * connection's own id when it has no session) that first claimed it, for as long as that
 * owner holds at least one claim: each successful {@link #claim} is matched by one
 * {@link #release}, typically one per open connection. Thread-safe; a shared
 * implementation gives the same answer on every instance.
 */
public interface NameRegistry {

	/**
	 * Claims a name once more for an owner.
	 * @param name the user name
	 * @param owner the owner
	 * @return true when the name was free or already the owner's (the claim is counted);
	 * false when another owner holds it (nothing changes)
	 */
	boolean claim(String name, String owner);

	/**
	 * Gives back one claim; the name is free when its owner's last claim is released.
	 * Releasing a name the owner does not hold does nothing.
	 * @param name the user name
	 * @param owner the owner
	 */
	void release(String name, String owner);

	/**
	 * @param name the user name
	 * @return true when some owner holds the name (its user has a connection somewhere)
	 */
	boolean isClaimed(String name);

}
