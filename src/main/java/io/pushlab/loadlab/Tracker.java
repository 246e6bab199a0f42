package io.pushlab.loadlab;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One run's accounting, on the load lab's own clock ({@link System#nanoTime()}): the
 * publish time of every message, and every arrival at every receiver as a latency in a
 * shared HdrHistogram (microseconds), plus the traffic counters. Sequence numbers below
 * {@code warmup} are warm-up messages: their arrivals are checked for duplicates and
 * counted apart, never measured. Every error of a receiver goes through {@link #error},
 * which counts it and keeps why it happened: the first {@link #MAX_CAUSES} distinct
 * causes with their counts, so a report can say "HTTP 429" and the server's reason rather
 * than just a number. Thread-safe.
 */
final class Tracker {

	/** Longest latency the histogram tracks: ten minutes, in microseconds. */
	private static final long HIGHEST = TimeUnit.MINUTES.toMicros(10);

	/**
	 * Distinct error causes kept per run; later new ones are counted under
	 * {@link #OTHER}.
	 */
	static final int MAX_CAUSES = 5;

	/** The cause under which errors past the first {@link #MAX_CAUSES} causes count. */
	static final String OTHER = "(other causes)";

	/** Longest kept problem {@code detail}, in characters. */
	static final int MAX_DETAIL = 200;

	private static final JsonMapper json = JsonMapper.builder().build();

	private final AtomicLongArray sentNanos;

	private final Histogram latency = new ConcurrentHistogram(1, HIGHEST, 3);

	final LongAdder unique = new LongAdder();

	final LongAdder duplicates = new LongAdder();

	final LongAdder outOfOrder = new LongAdder();

	final LongAdder requests = new LongAdder();

	final LongAdder bytes = new LongAdder();

	final LongAdder errors = new LongAdder();

	final AtomicLong lastArrival = new AtomicLong();

	/** Arrivals of warm-up messages. */
	final LongAdder warmupDelivered = new LongAdder();

	/** Error causes in the order first seen, with their counts; guarded by itself. */
	private final Map<String, Long> causes = new LinkedHashMap<>();

	private final WireScan scan;

	private final int warmup;

	private final int messages;

	Tracker(String tag, int messages) {
		this(tag, 0, messages);
	}

	/**
	 * @param tag the run's nonce tag
	 * @param warmup warm-up messages, sequence numbers {@code 0..warmup-1}
	 * @param messages measured messages, sequence numbers after the warm-up ones
	 */
	Tracker(String tag, int warmup, int messages) {
		this.warmup = warmup;
		this.messages = messages;
		this.sentNanos = new AtomicLongArray(warmup + messages);
		this.scan = new WireScan(tag);
	}

	/** Measured messages. */
	int messages() {
		return this.messages;
	}

	/** Warm-up messages, published before the measured ones. */
	int warmup() {
		return this.warmup;
	}

	/** Records that message {@code seq} is being published now. */
	void published(int seq, long nanos) {
		this.sentNanos.set(seq, nanos);
	}

	/**
	 * Counts a receiver's error (a failed request, a refused or dropped stream or
	 * connection, an error frame) and keeps its cause.
	 * @param cause why, e.g. {@link #httpCause} or {@link #describe}
	 */
	void error(String cause) {
		this.errors.increment();
		keep(cause);
	}

	/**
	 * Keeps the cause of a publish that failed; publish failures are counted by the
	 * {@link Publisher}, not as receiver errors.
	 * @param cause why
	 */
	void publishFailed(String cause) {
		keep("publish: " + cause);
	}

	private void keep(String cause) {
		synchronized (this.causes) {
			String key = (this.causes.containsKey(cause) || this.causes.size() < MAX_CAUSES) ? cause : OTHER;
			this.causes.merge(key, 1L, Long::sum);
		}
	}

	/**
	 * @return the error causes kept so far, in the order first seen
	 */
	List<RunResult.ErrorCause> errorCauses() {
		synchronized (this.causes) {
			List<RunResult.ErrorCause> result = new ArrayList<>(this.causes.size());
			this.causes.forEach((cause, count) -> result.add(new RunResult.ErrorCause(cause, count)));
			return result;
		}
	}

	/**
	 * An HTTP error answer as a cause: {@code HTTP 429 "detail"}, with the problem+json
	 * {@code detail} (cut to {@link #MAX_DETAIL} characters) when the body has one.
	 * @param status the status
	 * @param body holds the body
	 * @param length bytes of the body
	 * @return the cause
	 */
	static String httpCause(int status, byte[] body, int length) {
		String detail = detail(body, length);
		return (detail != null) ? "HTTP " + status + " \"" + detail + "\"" : "HTTP " + status;
	}

	/**
	 * A failure as a cause: the exception's simple class name and its message.
	 * @param failure what went wrong
	 * @return the cause
	 */
	static String describe(Throwable failure) {
		String message = failure.getMessage();
		String name = failure.getClass().getSimpleName();
		return (message == null || message.isBlank()) ? name : name + ": " + cut(message);
	}

	/** The {@code detail} of a JSON body, cut; null when there is none. */
	private static String detail(byte[] body, int length) {
		int first = 0;
		while (first < length && Character.isWhitespace(body[first])) {
			first++;
		}
		if (first >= length || body[first] != '{') {
			return null;
		}
		try {
			JsonNode detail = json.readTree(new String(body, 0, length, StandardCharsets.UTF_8)).path("detail");
			return detail.isString() ? cut(detail.asString()) : null;
		}
		catch (RuntimeException ex) {
			return null; // not JSON
		}
	}

	static String cut(String text) {
		String line = text.replaceAll("\\s+", " ").trim();
		return (line.length() <= MAX_DETAIL) ? line : line.substring(0, MAX_DETAIL - 1) + "…";
	}

	Receiver receiver() {
		return new Receiver();
	}

	Histogram latency() {
		return this.latency;
	}

	/** One client's deliveries: detects duplicates and ids that go backwards. */
	final class Receiver {

		private final long[] seen = new long[(Tracker.this.warmup + Tracker.this.messages + 63) / 64];

		private long lastId;

		private int count;

		/**
		 * Counts the payload bytes of a response, event or frame and records each message
		 * of this run it holds.
		 * @param text the payload
		 * @param byteCount its size in bytes
		 * @return messages of this run found
		 */
		int receive(String text, long byteCount) {
			long now = System.nanoTime();
			Tracker.this.bytes.add(byteCount);
			synchronized (this) {
				return Tracker.this.scan.scan(text, (id, seq) -> arrived(id, seq, now));
			}
		}

		/**
		 * The same for UTF-8 bytes, scanned without making a string.
		 * @param bytes holds the payload
		 * @param from its first byte
		 * @param to its end (exclusive)
		 * @param byteCount bytes to count as received (0 when the caller counts them)
		 * @return messages of this run found
		 */
		int receive(byte[] bytes, int from, int to, long byteCount) {
			long now = System.nanoTime();
			if (byteCount > 0) {
				Tracker.this.bytes.add(byteCount);
			}
			synchronized (this) {
				return Tracker.this.scan.scan(bytes, from, to, (id, seq) -> arrived(id, seq, now));
			}
		}

		private void arrived(long id, int seq, long now) {
			if (seq < 0 || seq >= Tracker.this.warmup + Tracker.this.messages) {
				return;
			}
			long mask = 1L << (seq & 63);
			boolean seen = (this.seen[seq >> 6] & mask) != 0;
			this.seen[seq >> 6] |= mask;
			if (seq < Tracker.this.warmup) {
				// warm-up: only moves the cursor on, counts toward nothing measured
				this.lastId = Math.max(this.lastId, id);
				if (!seen) {
					Tracker.this.warmupDelivered.increment();
				}
				return;
			}
			if (seen) {
				Tracker.this.duplicates.increment();
				return;
			}
			this.count++;
			if (id < this.lastId) {
				Tracker.this.outOfOrder.increment();
			}
			this.lastId = Math.max(this.lastId, id);
			long sent = Tracker.this.sentNanos.get(seq);
			if (sent != 0) {
				long micros = Math.max(1, (now - sent) / 1000);
				Tracker.this.latency.recordValue(Math.min(micros, HIGHEST));
			}
			Tracker.this.unique.increment();
			Tracker.this.lastArrival.accumulateAndGet(now, Math::max);
		}

		/**
		 * @return the highest message id this receiver has seen, 0 before any
		 */
		synchronized long lastId() {
			return this.lastId;
		}

		synchronized int count() {
			return this.count;
		}

	}

}
