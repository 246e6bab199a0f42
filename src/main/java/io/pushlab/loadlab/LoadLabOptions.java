package io.pushlab.loadlab;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pushlab.technique.Technique;

/**
 * The load lab's command line, parsed and checked: every value is in range once an
 * instance exists. Immutable.
 *
 * @param target the PushLab base URL
 * @param techniques the techniques to run, one after another
 * @param clients receivers per technique
 * @param rate messages published per second
 * @param messages messages published per technique
 * @param warmup messages published at the same rate before the measured ones and left out
 * of every figure, so the server's and the generator's JIT compilers are done
 * @param payload text length of each message, in characters
 * @param pollInterval short-polling interval
 * @param longPollTimeout the {@code timeout} a long-polling client asks for
 * @param drain after the last publish, how long deliveries may pause before the rest
 * count as lost (a run keeps waiting, up to two minutes, while they still arrive)
 * @param connectConcurrency connection attempts in flight at once
 * @param connectTimeout how long all receivers may take to connect
 * @param out the report folder
 * @param ioThreads the generator's selector threads; 0 for one per available CPU
 * @param label a free text naming the run in the reports (e.g. the server's JVM)
 * @param progress whether to print a progress line every second
 * @param serverPid the server's process id, whose CPU time, RSS and threads are read from
 * {@code /proc} when its actuator does not give them; 0 for none
 */
public record LoadLabOptions(URI target, List<Technique> techniques, int clients, double rate, int messages, int warmup,
		int payload, Duration pollInterval, Duration longPollTimeout, Duration drain, int connectConcurrency,
		Duration connectTimeout, Path out, int ioThreads, String label, boolean progress, long serverPid) {

	static final String USAGE = """
			usage: java -jar pushlab.jar loadlab [options]
			  --target URL            PushLab base URL, http:// on a loopback address
			                          (default http://127.0.0.1:8080)
			  --technique NAME        polling | longpolling | sse | websocket | all (default all)
			  --clients N             receivers per technique (default 100)
			  --rate R                messages published per second (default 20)
			  --messages M            messages published per technique (default 100)
			  --warmup W              unmeasured messages published first, at the same rate
			                          (default: 2 seconds' worth, at most M)
			  --payload B             characters of text per message (default 100)
			  --poll-interval MS      short-polling interval in ms (default 1000)
			  --long-poll-timeout MS  long-polling timeout asked for, in ms (default 20000)
			  --drain MS              after the last publish, how long deliveries may pause before the
			                          rest count as lost; waits up to 2 min while they arrive (default 5000 + poll interval)
			  --connect-concurrency N connection attempts in flight (default 200)
			  --connect-timeout MS    time allowed for all receivers to connect (default 120000)
			  --io-threads N          selector threads of the receivers' NIO clients
			                          (default 2; 0 = one per available CPU)
			  --out DIR               report folder (default loadlab-reports)
			  --label TEXT            names the run in the reports
			  --server-pid PID        the server's process id (Linux): CPU time, RSS and
			                          threads the actuator does not give are read from
			                          /proc/PID (a server without an actuator)
			  --quiet                 no progress lines
			""";

	public LoadLabOptions {
		List<String> wrong = new ArrayList<>();
		require(wrong, clients >= 1, "--clients", "1 or more", clients);
		require(wrong, messages >= 1, "--messages", "1 or more", messages);
		require(wrong, rate > 0, "--rate", "positive", rate);
		require(wrong, payload >= 1, "--payload", "1 or more", payload);
		require(wrong, connectConcurrency >= 1, "--connect-concurrency", "1 or more", connectConcurrency);
		require(wrong, warmup >= 0, "--warmup", "0 or more", warmup);
		require(wrong, ioThreads >= 0, "--io-threads", "0 or more", ioThreads);
		require(wrong, serverPid >= 0, "--server-pid", "0 or more", serverPid);
		require(wrong, pollInterval != null && pollInterval.toMillis() >= 1, "--poll-interval", "1 or more",
				(pollInterval != null) ? pollInterval.toMillis() : null);
		require(wrong, longPollTimeout != null && !longPollTimeout.isNegative(), "--long-poll-timeout", "0 or more",
				(longPollTimeout != null) ? longPollTimeout.toMillis() : null);
		require(wrong, drain != null && !drain.isNegative(), "--drain", "0 or more",
				(drain != null) ? drain.toMillis() : null);
		require(wrong, connectTimeout != null && connectTimeout.toMillis() >= 1, "--connect-timeout", "1 or more",
				(connectTimeout != null) ? connectTimeout.toMillis() : null);
		if (!wrong.isEmpty()) {
			throw new IllegalArgumentException(String.join("\n", wrong) + "\n" + USAGE);
		}
		techniques = List.copyOf(techniques);
	}

	private static void require(List<String> wrong, boolean valid, String option, String rule, Object was) {
		if (!valid) {
			wrong.add(option + ": must be " + rule + " (was " + was + ")");
		}
	}

	/**
	 * Parses the arguments after {@code loadlab}.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException with the usage text when an argument is wrong
	 */
	public static LoadLabOptions parse(String... args) {
		URI target = URI.create("http://127.0.0.1:8080");
		List<Technique> techniques = List.of(Technique.values());
		int clients = 100;
		double rate = 20;
		int messages = 100;
		Integer warmup = null;
		int payload = 100;
		long pollInterval = 1000;
		long longPollTimeout = 20000;
		Long drain = null;
		int connectConcurrency = 200;
		long connectTimeout = 120000;
		int ioThreads = 2;
		Path out = Path.of("loadlab-reports");
		String label = "";
		boolean progress = true;
		long serverPid = 0;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--quiet")) {
				progress = false;
				continue;
			}
			if (arg.equals("--help") || arg.equals("-h")) {
				throw new IllegalArgumentException(USAGE);
			}
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException("missing value for " + arg + "\n" + USAGE);
			}
			String value = args[++i];
			try {
				switch (arg) {
					case "--target" ->
						target = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
					case "--technique" -> techniques = techniques(value);
					case "--clients" -> clients = Integer.parseInt(value);
					case "--rate" -> rate = Double.parseDouble(value);
					case "--messages" -> messages = Integer.parseInt(value);
					case "--warmup" -> warmup = Integer.parseInt(value);
					case "--payload" -> payload = Integer.parseInt(value);
					case "--poll-interval" -> pollInterval = Long.parseLong(value);
					case "--long-poll-timeout" -> longPollTimeout = Long.parseLong(value);
					case "--drain" -> drain = Long.parseLong(value);
					case "--connect-concurrency" -> connectConcurrency = Integer.parseInt(value);
					case "--connect-timeout" -> connectTimeout = Long.parseLong(value);
					case "--io-threads" -> ioThreads = Integer.parseInt(value);
					case "--out" -> out = Path.of(value);
					case "--label" -> label = value;
					case "--server-pid" -> serverPid = Long.parseLong(value);
					default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
				}
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(arg + ": not a number: " + value + "\n" + USAGE);
			}
		}
		if (!"http".equals(target.getScheme()) || !loopback(target.getHost())) {
			throw new IllegalArgumentException(
					"--target must be an http:// URL on this machine (127.0.0.1, ::1 or localhost)\n" + USAGE);
		}
		if (serverPid > 0 && !ProcFs.readable(serverPid)) {
			throw new IllegalArgumentException("--server-pid: /proc/" + serverPid
					+ "/stat cannot be read (no such process, or not Linux)\n" + USAGE);
		}
		long drainMillis = (drain != null) ? drain : 5000 + pollInterval;
		int warmupMessages = (warmup != null) ? warmup : (int) Math.min(messages, Math.ceil(2 * rate));
		return new LoadLabOptions(target, techniques, clients, rate, messages, warmupMessages, payload,
				Duration.ofMillis(pollInterval), Duration.ofMillis(longPollTimeout), Duration.ofMillis(drainMillis),
				connectConcurrency, Duration.ofMillis(connectTimeout), out, ioThreads, label, progress, serverPid);
	}

	/** Selector threads to start: {@code ioThreads}, or one per available CPU for 0. */
	int selectorThreads() {
		return (this.ioThreads > 0) ? this.ioThreads : Runtime.getRuntime().availableProcessors();
	}

	private static boolean loopback(String host) {
		if (host == null) {
			return false;
		}
		if (host.equalsIgnoreCase("localhost")) {
			return true;
		}
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
			return false; // a name: never resolved, never sent traffic
		}
		try {
			return java.net.InetAddress.getByName(literal).isLoopbackAddress();
		}
		catch (java.net.UnknownHostException ex) {
			return false;
		}
	}

	private static List<Technique> techniques(String value) {
		String name = value.toLowerCase(Locale.ROOT);
		if (name.equals("all")) {
			return List.of(Technique.values());
		}
		List<Technique> result = new ArrayList<>();
		for (String part : name.split(",")) {
			Technique technique = null;
			for (Technique t : Technique.values()) {
				if (t.key().equals(part.trim())) {
					technique = t;
				}
			}
			if (technique == null) {
				throw new IllegalArgumentException("--technique: unknown technique " + part + "\n" + USAGE);
			}
			result.add(technique);
		}
		return result;
	}

	/** The same options for other techniques (used by {@code all}). */
	LoadLabOptions with(List<Technique> techniques) {
		return new LoadLabOptions(this.target, techniques, this.clients, this.rate, this.messages, this.warmup,
				this.payload, this.pollInterval, this.longPollTimeout, this.drain, this.connectConcurrency,
				this.connectTimeout, this.out, this.ioThreads, this.label, this.progress, this.serverPid);
	}

}
