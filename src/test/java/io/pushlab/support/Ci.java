package io.pushlab.support;

import org.junit.jupiter.api.Assumptions;

/** What the test run is: under {@code CI=true} nothing may be skipped. */
public final class Ci {

	private Ci() {
	}

	public static boolean isCi() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

	/**
	 * Skips the calling test outside CI when {@code available} is false; fails it under
	 * CI.
	 * @param available whether what the test needs is there
	 * @param whatToInstall the message, e.g. "needs Redis: apt-get install -y
	 * redis-server"
	 */
	public static void require(boolean available, String whatToInstall) {
		if (!available) {
			if (isCi()) {
				throw new IllegalStateException("CI=true but the test " + whatToInstall);
			}
			Assumptions.abort(whatToInstall);
		}
	}

}
