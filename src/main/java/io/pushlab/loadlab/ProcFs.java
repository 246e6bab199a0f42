package io.pushlab.loadlab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process's figures read from Linux's {@code /proc/<pid>}: CPU time (utime +
 * stime of {@code stat}), resident memory ({@code VmRSS} of {@code status}) and threads
 * ({@code Threads} of {@code status}), for a server without an actuator. Every figure is
 * NaN when the file cannot be read or parsed (not Linux, the process has ended).
 * Stateless apart from the clock-tick rate, read once; thread-safe.
 */
final class ProcFs {

	/**
	 * Clock ticks per second when {@code getconf CLK_TCK} cannot say: Linux's USER_HZ.
	 */
	static final long DEFAULT_TICKS = 100;

	private static volatile long ticksPerSecond;

	private ProcFs() {
	}

	/**
	 * @param pid a process id
	 * @return true when {@code /proc/<pid>/stat} can be read
	 */
	static boolean readable(long pid) {
		return Files.isReadable(Path.of("/proc", Long.toString(pid), "stat"));
	}

	/**
	 * @param pid a process id
	 * @return the CPU time the process used (user + system), in seconds; NaN if unknown
	 */
	static double cpuSeconds(long pid) {
		try {
			long ticks = cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
			return (ticks < 0) ? Double.NaN : (double) ticks / ticksPerSecond();
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	/**
	 * @param pid a process id
	 * @return the resident set size ({@code VmRSS}) in bytes; NaN if unknown
	 */
	static double rssBytes(long pid) {
		double kb = statusField(status(pid), "VmRSS:");
		return kb * 1024;
	}

	/**
	 * @param pid a process id
	 * @return the process's threads; NaN if unknown
	 */
	static double threads(long pid) {
		return statusField(status(pid), "Threads:");
	}

	/**
	 * utime + stime (fields 14 and 15 of {@code /proc/<pid>/stat}, in clock ticks). The
	 * command name (field 2) is in parentheses and may hold spaces and parentheses
	 * itself, so fields are counted from the last {@code ')'}.
	 * @param stat the file's text
	 * @return the ticks, or -1 when the text is not a stat line
	 */
	static long cpuTicks(String stat) {
		int close = stat.lastIndexOf(')');
		if (close < 0) {
			return -1;
		}
		String[] fields = stat.substring(close + 1).trim().split("\\s+");
		// fields[0] is field 3 (state): utime is field 14, stime field 15
		if (fields.length < 13) {
			return -1;
		}
		try {
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * The first number of a {@code /proc/<pid>/status} line.
	 * @param status the file's text, null when unreadable
	 * @param name the line's name with its colon, e.g. {@code VmRSS:}
	 * @return the number, NaN when absent
	 */
	static double statusField(String status, String name) {
		if (status == null) {
			return Double.NaN;
		}
		for (String line : status.split("\n")) {
			if (line.startsWith(name)) {
				String[] parts = line.substring(name.length()).trim().split("\\s+");
				try {
					return Long.parseLong(parts[0]);
				}
				catch (NumberFormatException ex) {
					return Double.NaN;
				}
			}
		}
		return Double.NaN;
	}

	private static String status(long pid) {
		try {
			return Files.readString(Path.of("/proc", Long.toString(pid), "status"));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** {@code getconf CLK_TCK}, asked once; {@link #DEFAULT_TICKS} when it cannot say. */
	static long ticksPerSecond() {
		long ticks = ticksPerSecond;
		if (ticks == 0) {
			ticks = getconfTicks();
			ticksPerSecond = ticks;
		}
		return ticks;
	}

	private static long getconfTicks() {
		try {
			Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			try (InputStream in = process.getInputStream()) {
				String out = new String(in.readNBytes(64), StandardCharsets.US_ASCII).trim();
				if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
					long ticks = Long.parseLong(out);
					if (ticks > 0) {
						return ticks;
					}
				}
			}
			finally {
				process.destroy();
			}
		}
		catch (IOException | RuntimeException ex) {
			// no getconf: Linux's USER_HZ
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return DEFAULT_TICKS;
	}

}
