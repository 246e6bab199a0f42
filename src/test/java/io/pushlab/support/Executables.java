package io.pushlab.support;

import java.io.File;

/** Finds installed programs for tests that run them. */
public final class Executables {

	private Executables() {
	}

	/**
	 * @param names candidate names, or absolute paths
	 * @return the first executable found on the {@code PATH} (or in {@code /usr/sbin} and
	 * {@code /sbin}, where Debian puts daemons), or {@code null}
	 */
	public static String find(String... names) {
		String path = System.getenv("PATH");
		String dirs = ((path != null) ? path : "/usr/bin") + File.pathSeparator + "/usr/sbin" + File.pathSeparator
				+ "/sbin";
		for (String name : names) {
			if (name.startsWith("/")) {
				if (new File(name).canExecute()) {
					return name;
				}
				continue;
			}
			for (String dir : dirs.split(File.pathSeparator)) {
				File file = new File(dir, name);
				if (file.canExecute()) {
					return file.getAbsolutePath();
				}
			}
		}
		return null;
	}

}
