package io.pushlab.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The server process's resident set size as the gauge {@code pushlab.process.rss}
 * (bytes), read from {@code /proc/self/status} on Linux; NaN where that file does not
 * exist. The load lab reads it from the actuator to report memory per connection.
 */
@Component
public class ProcessMemoryMetrics {

	static final Path STATUS = Path.of("/proc/self/status");

	public ProcessMemoryMetrics(MeterRegistry registry) {
		Gauge.builder("pushlab.process.rss", () -> rss(STATUS))
			.baseUnit("bytes")
			.description("Resident set size of the server process (VmRSS)")
			.register(registry);
	}

	/**
	 * @param status a {@code /proc/<pid>/status} file
	 * @return the VmRSS line in bytes, or NaN when unavailable
	 */
	static double rss(Path status) {
		try {
			List<String> lines = Files.readAllLines(status);
			for (String line : lines) {
				if (line.startsWith("VmRSS:")) {
					String[] parts = line.substring(6).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024.0;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or an unexpected format
		}
		return Double.NaN;
	}

}
