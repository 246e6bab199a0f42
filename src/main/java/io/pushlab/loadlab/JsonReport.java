package io.pushlab.loadlab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The report as JSON: every figure of the table, unknown figures as {@code null}. Pure
 * function of the {@link Report}.
 */
final class JsonReport {

	private static final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private JsonReport() {
	}

	static String render(Report report) {
		return json.writeValueAsString(toMap(report));
	}

	static Map<String, Object> toMap(Report report) {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("label", report.label());
		root.put("target", report.target());
		root.put("startedAt", report.startedAt().toString());
		root.put("generatorJava", report.generatorJava());
		LoadLabOptions o = report.options();
		Map<String, Object> options = new LinkedHashMap<>();
		options.put("clients", o.clients());
		options.put("rate", o.rate());
		options.put("messages", o.messages());
		options.put("warmup", o.warmup());
		options.put("payload", o.payload());
		options.put("pollIntervalMs", o.pollInterval().toMillis());
		options.put("longPollTimeoutMs", o.longPollTimeout().toMillis());
		options.put("drainMs", o.drain().toMillis());
		options.put("ioThreads", o.selectorThreads());
		options.put("serverPid", (o.serverPid() > 0) ? o.serverPid() : null);
		root.put("options", options);
		List<Object> runs = new ArrayList<>();
		for (RunResult r : report.runs()) {
			Map<String, Object> run = new LinkedHashMap<>();
			run.put("technique", r.technique());
			run.put("clean", r.clean());
			run.put("verdict", r.verdict());
			run.put("clients", r.clients());
			run.put("connected", r.connected());
			run.put("connectSeconds", n(r.connectSeconds()));
			run.put("rate", r.rate());
			run.put("messages", r.messages());
			run.put("payload", r.payload());
			run.put("publishFailures", r.publishFailures());
			run.put("expected", r.expected());
			run.put("delivered", r.delivered());
			run.put("lost", r.lost());
			run.put("duplicates", r.duplicates());
			run.put("outOfOrder", r.outOfOrder());
			run.put("errors", r.errors());
			List<Object> causes = new ArrayList<>();
			for (RunResult.ErrorCause cause : r.errorCauses()) {
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("cause", cause.cause());
				entry.put("count", cause.count());
				causes.add(entry);
			}
			run.put("errorCauses", causes);
			Map<String, Object> latency = new LinkedHashMap<>();
			latency.put("count", r.latency().count());
			latency.put("p50", n(r.latency().p50()));
			latency.put("p90", n(r.latency().p90()));
			latency.put("p99", n(r.latency().p99()));
			latency.put("p999", n(r.latency().p999()));
			latency.put("max", n(r.latency().max()));
			latency.put("mean", n(r.latency().mean()));
			latency.put("distribution", r.latency().distribution());
			run.put("latencyMs", latency);
			run.put("deliveriesPerSecond", n(r.deliveriesPerSecond()));
			run.put("httpRequests", r.httpRequests());
			run.put("bytesReceived", r.bytesReceived());
			run.put("bytesPerDelivery", n(r.bytesPerDelivery()));
			RunResult.Server s = r.server();
			Map<String, Object> server = new LinkedHashMap<>();
			server.put("cpuSeconds", n(s.cpuSeconds()));
			server.put("publishCpuSeconds", n(s.publishCpuSeconds()));
			server.put("heapBeforeBytes", n(s.heapBeforeBytes()));
			server.put("heapConnectedBytes", n(s.heapConnectedBytes()));
			server.put("heapPeakBytes", n(s.heapPeakBytes()));
			server.put("rssBeforeBytes", n(s.rssBeforeBytes()));
			server.put("rssConnectedBytes", n(s.rssConnectedBytes()));
			server.put("rssPeakBytes", n(s.rssPeakBytes()));
			server.put("rssPerConnectionBytes", n(s.rssPerConnection(r.connected())));
			server.put("heapPerConnectionBytes", n(s.heapPerConnection(r.connected())));
			server.put("threadsPeak", n(s.threadsPeak()));
			run.put("server", server);
			run.put("generatorCpuSeconds", n(r.generatorCpuSeconds()));
			run.put("runSeconds", n(r.runSeconds()));
			run.put("generatorBusy", n(r.generatorBusy()));
			run.put("generatorBound", r.generatorBound());
			if (r.generatorBound()) {
				run.put("note", RunResult.GENERATOR_BOUND_MARK);
			}
			runs.add(run);
		}
		root.put("runs", runs);
		root.put("generatorBound", report.runs().stream().anyMatch(RunResult::generatorBound));
		return root;
	}

	private static Double n(double value) {
		return (Double.isNaN(value) || Double.isInfinite(value)) ? null : value;
	}

}
