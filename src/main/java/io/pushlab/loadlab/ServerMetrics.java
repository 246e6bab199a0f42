package io.pushlab.loadlab;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the target server's own figures from its actuator: CPU time
 * ({@code process.cpu.time}), heap ({@code jvm.memory.used}, area heap), resident memory
 * ({@code pushlab.process.rss}) and live threads. A figure the server does not expose is
 * NaN; a server without an actuator still gets measured, just without these. Given the
 * server's process id ({@code --server-pid}), the CPU time, resident memory and threads
 * the actuator does not give are read from {@code /proc/<pid>} instead ({@link ProcFs});
 * the actuator's figure wins when it has one.
 */
final class ServerMetrics {

	/** One reading of the server's figures; NaN where unavailable. */
	record Sample(double cpuSeconds, double heapBytes, double rssBytes, double threads) {

		static final Sample NONE = new Sample(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

	}

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http;

	private final URI base;

	private final long pid;

	/**
	 * @param http the client for the actuator
	 * @param base the server's base URL
	 * @param pid the server's process id, 0 when unknown (actuator figures only)
	 */
	ServerMetrics(HttpClient http, URI base, long pid) {
		this.http = http;
		this.base = base;
		this.pid = pid;
	}

	Sample sample() {
		double cpu = metric("process.cpu.time", "");
		double heap = metric("jvm.memory.used", "?tag=area:heap");
		double rss = metric("pushlab.process.rss", "");
		double threads = metric("jvm.threads.live", "");
		if (this.pid > 0) {
			cpu = Double.isNaN(cpu) ? ProcFs.cpuSeconds(this.pid) : cpu;
			rss = Double.isNaN(rss) ? ProcFs.rssBytes(this.pid) : rss;
			threads = Double.isNaN(threads) ? ProcFs.threads(this.pid) : threads;
		}
		return new Sample(cpu, heap, rss, threads);
	}

	private double metric(String name, String query) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + "/actuator/metrics/" + name + query))
				.timeout(Duration.ofSeconds(5))
				.GET()
				.build();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				return Double.NaN;
			}
			JsonNode root = json.readTree(response.body());
			JsonNode measurements = root.path("measurements");
			for (JsonNode measurement : measurements) {
				double value = measurement.path("value").asDouble(Double.NaN);
				if (!"seconds".equals(root.path("baseUnit").asString("")) && name.endsWith("cpu.time")) {
					// Micrometer reports it in the registry's base time unit
					return toSeconds(value, root.path("baseUnit").asString(""));
				}
				return value;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// not exposed: NaN
		}
		return Double.NaN;
	}

	private static double toSeconds(double value, String unit) {
		return switch (unit) {
			case "milliseconds", "ms" -> value / 1e3;
			case "microseconds", "us" -> value / 1e6;
			case "nanoseconds", "ns" -> value / 1e9;
			default -> value;
		};
	}

}
