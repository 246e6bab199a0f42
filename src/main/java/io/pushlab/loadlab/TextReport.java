package io.pushlab.loadlab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The report as a plain-text table, one column per technique, for the terminal and for
 * pasting into Markdown. Pure function of the {@link Report}.
 */
final class TextReport {

	private TextReport() {
	}

	static String render(Report report) {
		List<RunResult> runs = report.runs();
		List<String[]> rows = new ArrayList<>();
		rows.add(row("", runs, RunResult::technique));
		rows.add(row("receivers connected", runs, (r) -> r.connected() + "/" + r.clients()));
		rows.add(row("connect time", runs, (r) -> fmt("%.2f s", r.connectSeconds())));
		rows.add(row("rate x messages", runs, (r) -> fmt("%s/s x %d", num(r.rate()), r.messages())));
		rows.add(row("delivered/expected", runs, (r) -> r.delivered() + "/" + r.expected()));
		rows.add(row("lost", runs, (r) -> Long.toString(r.lost())));
		rows.add(row("duplicated", runs, (r) -> Long.toString(r.duplicates())));
		rows.add(row("out of order", runs, (r) -> Long.toString(r.outOfOrder())));
		rows.add(row("errors", runs,
				(r) -> r.errors() + ((r.publishFailures() > 0) ? " (+" + r.publishFailures() + " publish)" : "")));
		rows.add(row("latency p50", runs, (r) -> ms(r.latency().p50())));
		rows.add(row("latency p90", runs, (r) -> ms(r.latency().p90())));
		rows.add(row("latency p99", runs, (r) -> ms(r.latency().p99())));
		rows.add(row("latency p99.9", runs, (r) -> ms(r.latency().p999())));
		rows.add(row("latency max", runs, (r) -> ms(r.latency().max())));
		rows.add(row("deliveries/s", runs, (r) -> num(r.deliveriesPerSecond())));
		rows.add(row("HTTP requests", runs, (r) -> Long.toString(r.httpRequests())));
		rows.add(row("bytes/delivery", runs, (r) -> num(r.bytesPerDelivery())));
		rows.add(row("server CPU", runs, (r) -> seconds(r.server().cpuSeconds())));
		rows.add(row("server CPU publishing", runs, (r) -> seconds(r.server().publishCpuSeconds())));
		rows.add(row("server heap peak", runs, (r) -> mb(r.server().heapPeakBytes())));
		rows.add(row("server RSS peak", runs, (r) -> mb(r.server().rssPeakBytes())));
		rows.add(row("RSS per connection", runs, (r) -> kb(r.server().rssPerConnection(r.connected()))));
		rows.add(row("heap per connection", runs, (r) -> kb(r.server().heapPerConnection(r.connected()))));
		rows.add(row("server threads peak", runs, (r) -> num(r.server().threadsPeak())));
		rows.add(row("generator CPU / run time", runs,
				(r) -> fmt("%.1f s / %.1f s", r.generatorCpuSeconds(), r.runSeconds())));
		rows.add(row("generator busy (measured)", runs, TextReport::busy));
		rows.add(row("verdict", runs, RunResult::verdict));
		int columns = rows.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : rows) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		StringBuilder out = new StringBuilder();
		out.append("PushLab load lab — ").append(report.target());
		if (!report.label().isEmpty()) {
			out.append(" — ").append(report.label());
		}
		out.append('\n');
		for (int r = 0; r < rows.size(); r++) {
			String[] row = rows.get(r);
			out.append("| ");
			for (int i = 0; i < columns; i++) {
				String cell = row[i];
				out.append((i == 0) ? pad(cell, widths[i], false) : pad(cell, widths[i], true)).append(" | ");
			}
			out.setLength(out.length() - 1);
			out.append('\n');
			if (r == 0) {
				out.append('|');
				for (int i = 0; i < columns; i++) {
					out.append((i == 0) ? "-" : "").append("-".repeat(widths[i] + 1)).append((i == 0) ? "|" : ":|");
				}
				out.append('\n');
			}
		}
		out.append(errorCauses(runs));
		if (runs.stream().anyMatch((run) -> Double.isNaN(run.server().cpuSeconds()))) {
			out.append('\n').append(NO_SERVER_METRICS).append('\n');
		}
		List<String> bound = runs.stream().filter(RunResult::generatorBound).map(RunResult::technique).toList();
		if (!bound.isEmpty()) {
			out.append("\n")
				.append(RunResult.GENERATOR_BOUND_MARK.toUpperCase(java.util.Locale.ROOT))
				.append(": ")
				.append(String.join(", ", bound))
				.append(" — the generator's CPU was over ")
				.append(Math.round(RunResult.GENERATOR_BOUND * 100))
				.append(" % busy while it measured; ")
				.append(RunResult.GENERATOR_BOUND_MARK)
				.append(".\n");
		}
		return out.toString();
	}

	/**
	 * Why requests failed, under the table: one line per kept cause of each run, e.g.
	 * {@code errors (longpolling): 20000 × HTTP 429 "..."}; empty when nothing failed.
	 */
	static String errorCauses(List<RunResult> runs) {
		StringBuilder out = new StringBuilder();
		for (RunResult run : runs) {
			for (RunResult.ErrorCause cause : run.errorCauses()) {
				out.append((out.length() == 0) ? "\n" : "")
					.append("errors (")
					.append(run.technique())
					.append("): ")
					.append(cause.count())
					.append(" × ")
					.append(cause.cause())
					.append('\n');
			}
		}
		return out.toString();
	}

	/** The generator's busy share, with the mark when it was the limit. */
	static String busy(RunResult run) {
		if (Double.isNaN(run.generatorBusy())) {
			return "n/a";
		}
		String share = fmt("%.0f %% (%d io)", run.generatorBusy() * 100, run.ioThreads());
		return run.generatorBound() ? share + " " + RunResult.GENERATOR_BOUND_MARK : share;
	}

	private static String[] row(String name, List<RunResult> runs, Function<RunResult, String> cell) {
		String[] row = new String[runs.size() + 1];
		row[0] = name;
		for (int i = 0; i < runs.size(); i++) {
			row[i + 1] = cell.apply(runs.get(i));
		}
		return row;
	}

	private static String pad(String text, int width, boolean right) {
		String space = " ".repeat(Math.max(0, width - text.length()));
		return right ? space + text : text + space;
	}

	static String fmt(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

	/** Under the table when the server's CPU could not be read. */
	static final String NO_SERVER_METRICS = "server figures n/a: the target's /actuator/metrics cannot be read"
			+ " (PushLab exposes it only when asked: --management.endpoints.web.exposure.include=health,info,metrics;"
			+ " see the README's Load lab)";

	static String seconds(double seconds) {
		return Double.isNaN(seconds) ? "n/a" : fmt("%.2f s", seconds);
	}

	static String ms(double millis) {
		if (Double.isNaN(millis)) {
			return "n/a";
		}
		return (millis < 10) ? fmt("%.2f ms", millis) : fmt("%.1f ms", millis);
	}

	static String num(double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return "n/a";
		}
		return (value == Math.rint(value) || value >= 100) ? fmt("%,.0f", value) : fmt("%.1f", value);
	}

	static String mb(double bytes) {
		return Double.isNaN(bytes) ? "n/a" : fmt("%.0f MB", bytes / 1e6);
	}

	static String kb(double bytes) {
		return Double.isNaN(bytes) ? "n/a" : fmt("%.1f KB", bytes / 1e3);
	}

}
