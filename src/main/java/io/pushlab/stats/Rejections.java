package io.pushlab.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Requests, frames and connections the server refused, counted by reason as the
 * Micrometer counter {@code pushlab.rejected{reason}} and shown under {@code rejected} in
 * {@code /api/stats}. Reasons are a small fixed vocabulary chosen by the code (never
 * client text), e.g. {@code invalid_input}, {@code content_too_large},
 * {@code unsupported_media_type}, {@code lab_busy}, {@code raw_handshake_timeout},
 * {@code raw_idle_timeout}, {@code raw_write_timeout}. Thread-safe.
 */
@Component
public class Rejections {

	private final MeterRegistry registry;

	private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

	public Rejections(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Counts one refusal.
	 * @param reason the reason, from the code's fixed vocabulary
	 */
	public void reject(String reason) {
		this.counters.computeIfAbsent(reason, this::register).increment();
	}

	private Counter register(String reason) {
		return Counter.builder("pushlab.rejected")
			.tag("reason", reason)
			.description("Requests, frames and connections refused, by reason")
			.register(this.registry);
	}

	/**
	 * @return the count of every reason seen so far, by reason name
	 */
	public Map<String, Long> snapshot() {
		Map<String, Long> result = new TreeMap<>();
		this.counters.forEach((reason, counter) -> result.put(reason, (long) counter.count()));
		return result;
	}

}
