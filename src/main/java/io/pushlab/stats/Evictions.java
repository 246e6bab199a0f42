package io.pushlab.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * State the server removed because nobody used it any more, counted by kind as the
 * Micrometer counter {@code pushlab.evicted{kind}} and shown under {@code evicted} in
 * {@code /api/stats}: {@code rooms} (idle rooms without subscribers, with their history)
 * and {@code queues} (long-polling queues whose client stopped polling). Thread-safe.
 */
@Component
public class Evictions {

	/** An idle room without subscribers, removed with its history. */
	public static final String ROOMS = "rooms";

	/** A long-polling queue whose client stopped polling. */
	public static final String QUEUES = "queues";

	private final MeterRegistry registry;

	private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

	public Evictions(MeterRegistry registry) {
		this.registry = registry;
		counter(ROOMS);
		counter(QUEUES);
	}

	/**
	 * Counts one removal.
	 * @param kind {@link #ROOMS} or {@link #QUEUES}
	 */
	public void evicted(String kind) {
		counter(kind).increment();
	}

	private Counter counter(String kind) {
		return this.counters.computeIfAbsent(kind,
				(k) -> Counter.builder("pushlab.evicted")
					.tag("kind", k)
					.description("Idle state removed: rooms without subscribers, long-polling queues")
					.register(this.registry));
	}

	/**
	 * @return the count of every kind, by kind
	 */
	public Map<String, Long> snapshot() {
		Map<String, Long> result = new TreeMap<>();
		this.counters.forEach((kind, counter) -> result.put(kind, (long) counter.count()));
		return result;
	}

}
