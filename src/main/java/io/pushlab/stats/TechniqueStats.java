package io.pushlab.stats;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.pushlab.technique.Technique;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * What each technique costs the server, counted where it happens: open connections, HTTP
 * requests served (handshakes for WebSocket), messages delivered and payload bytes sent.
 * Exposed as {@code /api/stats} and as Micrometer meters tagged {@code technique}.
 * Thread-safe; counting is a few atomic additions.
 */
@Component
public class TechniqueStats {

	private final Map<Technique, Counters> counters = new EnumMap<>(Technique.class);

	private final LongAdder drops = new LongAdder();

	/** Between {@link #beginExcluding()} and {@link #excludeSoFar()}. */
	private volatile boolean excluding;

	public TechniqueStats(MeterRegistry registry) {
		for (Technique technique : Technique.values()) {
			Counters c = new Counters();
			this.counters.put(technique, c);
			String tag = technique.key();
			Gauge.builder("pushlab.open", c.open, AtomicLong::get)
				.tag("technique", tag)
				.description("Connections open now (parked requests for long polling)")
				.register(registry);
			FunctionCounter.builder("pushlab.requests", c.requests, LongAdder::sum)
				.tag("technique", tag)
				.description("HTTP requests served (handshakes for WebSocket)")
				.register(registry);
			FunctionCounter.builder("pushlab.delivered", c.delivered, LongAdder::sum)
				.tag("technique", tag)
				.description("Messages delivered to clients")
				.register(registry);
			FunctionCounter.builder("pushlab.bytes", c.bytes, LongAdder::sum)
				.tag("technique", tag)
				.baseUnit("bytes")
				.description("Payload bytes sent to clients")
				.register(registry);
			FunctionCounter.builder("pushlab.dropped", c.dropped, LongAdder::sum)
				.tag("technique", tag)
				.description("Connections ended by the recovery drill (POST /api/rooms/{room}/drop)")
				.register(registry);
		}
		FunctionCounter.builder("pushlab.drops", this.drops, LongAdder::sum)
			.description("Rooms dropped on this instance by the recovery drill (local or cluster requests)")
			.register(registry);
	}

	/**
	 * Counts one drop of a room (the recovery drill) and the connections it ended.
	 * @param dropped connections ended, by technique
	 */
	public void dropped(Map<Technique, Integer> dropped) {
		this.drops.increment();
		dropped.forEach((technique, n) -> this.counters.get(technique).dropped.add(n));
	}

	/**
	 * @return rooms dropped on this instance so far
	 */
	public long drops() {
		return this.drops.sum();
	}

	public void request(Technique technique) {
		this.counters.get(technique).requests.increment();
	}

	public void opened(Technique technique) {
		this.counters.get(technique).open.incrementAndGet();
	}

	public void closed(Technique technique) {
		this.counters.get(technique).open.decrementAndGet();
	}

	/**
	 * Counts messages delivered and the payload bytes that carried them.
	 * @param technique the technique
	 * @param messages messages delivered (0 for a response that carried none)
	 * @param bytes payload bytes written
	 */
	public void sent(Technique technique, int messages, long bytes) {
		Counters c = this.counters.get(technique);
		if (messages > 0) {
			c.delivered.add(messages);
		}
		c.bytes.add(bytes);
	}

	/**
	 * From now until {@link #excludeSoFar()}, {@link #snapshot()} shows no requests,
	 * deliveries or bytes: they will all be left out (the start-up warm-up's, while it
	 * runs). Open connections are shown as they are.
	 */
	public void beginExcluding() {
		this.excluding = true;
	}

	/**
	 * Leaves the requests, deliveries and bytes counted so far (the start-up warm-up's)
	 * out of {@link #snapshot()}; the Micrometer meters keep counting everything.
	 */
	public void excludeSoFar() {
		this.counters.values().forEach((c) -> {
			c.requestsBefore = c.requests.sum();
			c.deliveredBefore = c.delivered.sum();
			c.bytesBefore = c.bytes.sum();
		});
		this.excluding = false;
	}

	/**
	 * @return the figures of every technique, as {@code /api/stats} shows them
	 */
	public Map<String, Map<String, Long>> snapshot() {
		Map<String, Map<String, Long>> result = new LinkedHashMap<>();
		boolean hidden = this.excluding;
		this.counters.forEach((technique, c) -> {
			Map<String, Long> figures = new LinkedHashMap<>();
			figures.put("open", Math.max(0, c.open.get()));
			figures.put("requests", hidden ? 0 : Math.max(0, c.requests.sum() - c.requestsBefore));
			figures.put("delivered", hidden ? 0 : Math.max(0, c.delivered.sum() - c.deliveredBefore));
			figures.put("bytes", hidden ? 0 : Math.max(0, c.bytes.sum() - c.bytesBefore));
			figures.put("dropped", c.dropped.sum());
			result.put(technique.key(), figures);
		});
		return result;
	}

	private static final class Counters {

		final AtomicLong open = new AtomicLong();

		final LongAdder requests = new LongAdder();

		final LongAdder delivered = new LongAdder();

		final LongAdder bytes = new LongAdder();

		final LongAdder dropped = new LongAdder();

		/** Counted before {@link #excludeSoFar()}, left out of the snapshot. */
		volatile long requestsBefore;

		volatile long deliveredBefore;

		volatile long bytesBefore;

	}

}
