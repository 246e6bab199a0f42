package io.pushlab.hub;

/**
 * Which client addresses a per-address bound applies to (the room share here, and the
 * connection cap and long-poll queue bound at the edges, which ask the same rule): every
 * one, except, unless configured otherwise, a client on the server's own machine (a
 * loopback address), such as the load lab, a test suite, or a reverse proxy that does not
 * forward the client's address, which would otherwise put all its users under one
 * address's bound.
 */
public final class RoomOwners {

	private RoomOwners() {
	}

	/**
	 * @param owner a client's address, or {@code null} for none
	 * @param limitLoopback whether loopback addresses have a share too
	 * @return the owner the share is counted for, or {@code null} when none applies
	 */
	public static String limited(String owner, boolean limitLoopback) {
		return (owner != null && !limitLoopback && isLoopback(owner)) ? null : owner;
	}

	/**
	 * @param address an IP address as the servlet container gives it
	 * @return whether it is a loopback address (127.0.0.0/8, {@code ::1}, or 127.x.x.x
	 * mapped to IPv6)
	 */
	public static boolean isLoopback(String address) {
		String plain = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
		return plain.startsWith("127.") || plain.equals("::1") || plain.equals("0:0:0:0:0:0:0:1")
				|| plain.regionMatches(true, 0, "::ffff:127.", 0, 11)
				|| plain.regionMatches(true, 0, "0:0:0:0:0:ffff:127.", 0, 19);
	}

}
