package io.pushlab.loadlab;

import java.util.List;

/**
 * What one technique's run measured: the figures of the table, the JSON and the HTML
 * report. Immutable; NaN marks a server figure the target did not expose.
 *
 * @param technique the technique
 * @param clients receivers asked for
 * @param connected receivers that connected
 * @param connectSeconds time until every receiver was connected
 * @param rate messages per second asked for
 * @param messages messages published
 * @param payload characters of text per message
 * @param publishFailures publishes not answered 201
 * @param expected connected receivers times accepted messages
 * @param delivered distinct (receiver, message) arrivals
 * @param lost expected minus delivered
 * @param duplicates arrivals of a message a receiver already had
 * @param outOfOrder arrivals with a lower id than one the receiver already had
 * @param errors failed requests, dropped streams or connections, error frames
 * @param latency publish to arrival latency, in milliseconds
 * @param deliveriesPerSecond delivered divided by the time from first publish to last
 * arrival
 * @param httpRequests HTTP requests made by the receivers (handshakes for WebSocket)
 * @param bytesReceived payload bytes the receivers got (bodies, events, frames)
 * @param bytesPerDelivery bytes received per delivered message
 * @param server the server's figures
 * @param generatorCpuSeconds CPU time the load generator itself used during the run:
 * close to the run's duration means the generator, not the server, was the limit
 * @param runSeconds wall time from the first connection attempt to the end of the drain
 * @param generatorBusy how busy the generator was from the first measured publish to the
 * end of the drain, 0 to 1 of the CPUs it may use (or of one CPU for its busiest selector
 * thread, when higher); NaN when unknown
 * @param ioThreads the generator's selector threads
 * @param errorCauses why the errors (and failed publishes, as {@code publish: ...})
 * happened: the first few distinct causes with their counts, in the order first seen
 */
public record RunResult(String technique, int clients, int connected, double connectSeconds, double rate, int messages,
		int payload, int publishFailures, long expected, long delivered, long lost, long duplicates, long outOfOrder,
		long errors, Latency latency, double deliveriesPerSecond, long httpRequests, long bytesReceived,
		double bytesPerDelivery, Server server, double generatorCpuSeconds, double runSeconds, double generatorBusy,
		int ioThreads, List<ErrorCause> errorCauses) {

	public RunResult {
		errorCauses = List.copyOf(errorCauses);
	}

	/** Above this share of its CPU the generator, not the server, may set the figures. */
	public static final double GENERATOR_BOUND = 0.9;

	/** How a report marks a generator-bound run. */
	public static final String GENERATOR_BOUND_MARK = "generator-bound: not a server figure";

	/**
	 * @return true when the generator was over {@link #GENERATOR_BOUND} busy while it
	 * measured: the run's latencies and rates are then not a server figure
	 */
	public boolean generatorBound() {
		return this.generatorBusy > GENERATOR_BOUND;
	}

	/**
	 * @return true when every receiver connected and got every message once, in order
	 */
	public boolean clean() {
		return this.connected == this.clients && this.lost == 0 && this.duplicates == 0 && this.outOfOrder == 0
				&& this.publishFailures == 0 && this.delivered == this.expected;
	}

	/**
	 * The run's verdict in a word or two: {@code clean}; {@code LOSSY} when a message was
	 * lost, doubled or reordered; otherwise {@code INCOMPLETE} and why (receivers that
	 * never connected, publishes that failed): nothing was lost, but the run did not
	 * measure what it was asked to.
	 * @return the verdict
	 */
	public String verdict() {
		if (clean()) {
			return "clean";
		}
		if (this.lost > 0 || this.duplicates > 0 || this.outOfOrder > 0 || this.delivered < this.expected) {
			return "LOSSY";
		}
		if (this.connected < this.clients) {
			return "INCOMPLETE: " + (this.clients - this.connected) + " not connected";
		}
		return "INCOMPLETE: " + this.publishFailures + " publishes failed";
	}

	/**
	 * One reason requests failed, and how often.
	 *
	 * @param cause e.g. {@code HTTP 429 "detail"} or {@code ConnectException: Connection
	 * refused}
	 * @param count errors with this cause
	 */
	public record ErrorCause(String cause, long count) {
	}

	/**
	 * Latency percentiles in milliseconds, and the distribution for the chart.
	 *
	 * @param count recorded arrivals
	 * @param p50 median
	 * @param p90 90th percentile
	 * @param p99 99th percentile
	 * @param p999 99.9th percentile
	 * @param max maximum
	 * @param mean mean
	 * @param distribution (percentile, milliseconds) points
	 */
	public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean,
			List<double[]> distribution) {
	}

	/**
	 * The server's figures, from its actuator.
	 *
	 * @param cpuSeconds CPU time the server used from before connecting to the end, the
	 * warm-up left out
	 * @param publishCpuSeconds CPU time the server used for the measured messages, from
	 * the first one's publish to the end of the drain
	 * @param heapBeforeBytes heap before the receivers connected
	 * @param heapConnectedBytes heap with every receiver connected, before publishing
	 * @param heapPeakBytes highest heap seen during the run
	 * @param rssBeforeBytes resident memory before the receivers connected
	 * @param rssConnectedBytes resident memory with every receiver connected
	 * @param rssPeakBytes highest resident memory seen during the run
	 * @param threadsPeak most live threads seen during the run
	 */
	public record Server(double cpuSeconds, double publishCpuSeconds, double heapBeforeBytes, double heapConnectedBytes,
			double heapPeakBytes, double rssBeforeBytes, double rssConnectedBytes, double rssPeakBytes,
			double threadsPeak) {

		/**
		 * @param connections the receivers connected
		 * @return resident memory added per connection, NaN when unknown
		 */
		public double rssPerConnection(int connections) {
			return (connections > 0) ? (this.rssConnectedBytes - this.rssBeforeBytes) / connections : Double.NaN;
		}

		/**
		 * @param connections the receivers connected
		 * @return heap added per connection (includes garbage not yet collected)
		 */
		public double heapPerConnection(int connections) {
			return (connections > 0) ? (this.heapConnectedBytes - this.heapBeforeBytes) / connections : Double.NaN;
		}

	}

}
