package io.pushlab.loadlab;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The report as one self-contained HTML page: the table, a latency-distribution chart
 * (percentile on a log scale, milliseconds on a log scale, one line per technique) and
 * cost bars per technique, drawn as inline SVG. No script, no external resource; every
 * text is HTML-escaped. Pure function of the {@link Report}.
 */
final class HtmlReport {

	static final String[] COLORS = { "#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2" };

	private HtmlReport() {
	}

	static String render(Report report) {
		StringBuilder html = new StringBuilder(16384);
		html.append("""
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8">
				<meta name="viewport" content="width=device-width, initial-scale=1">
				<title>PushLab load lab report</title>
				<style>
				body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#111}
				h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
				.meta{color:#555}.wrap{overflow-x:auto}
				table{border-collapse:collapse;font-variant-numeric:tabular-nums}
				th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
				th:first-child,td:first-child{text-align:left}
				.bad{color:#b91c1c;font-weight:600}.good{color:#047857;font-weight:600}
				.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
				svg{width:100%;height:auto;background:#fafafa;border:1px solid #e5e5e5;border-radius:6px}
				svg text{font:11px system-ui,sans-serif;fill:#333}
				</style></head><body>
				""");
		html.append("<h1>PushLab load lab report</h1>\n<p class=\"meta\">Target ")
			.append(esc(report.target()))
			.append(" · started ")
			.append(esc(report.startedAt().toString()))
			.append(" · generator Java ")
			.append(esc(report.generatorJava()));
		if (!report.label().isEmpty()) {
			html.append(" · ").append(esc(report.label()));
		}
		LoadLabOptions o = report.options();
		html.append("<br>")
			.append(o.clients())
			.append(" receivers per technique, ")
			.append(o.messages())
			.append(" messages at ")
			.append(TextReport.num(o.rate()))
			.append("/s after ")
			.append(o.warmup())
			.append(" unmeasured warm-up messages, ")
			.append(o.payload())
			.append(" characters each; short-polling interval ")
			.append(o.pollInterval().toMillis())
			.append(" ms.</p>\n");
		List<String> bound = report.runs()
			.stream()
			.filter(RunResult::generatorBound)
			.map(RunResult::technique)
			.toList();
		if (!bound.isEmpty()) {
			html.append("<p class=\"bad\">")
				.append(esc(RunResult.GENERATOR_BOUND_MARK))
				.append(": ")
				.append(esc(String.join(", ", bound)))
				.append(". The generator's CPU was over ")
				.append(Math.round(RunResult.GENERATOR_BOUND * 100))
				.append(" % busy while it measured, so these latencies and rates describe the generator as much "
						+ "as the server.</p>\n");
		}
		html.append("<h2>Results</h2>\n<div class=\"wrap\">").append(table(report)).append("</div>\n");
		html.append(errorCauses(report.runs()));
		html.append("<h2>Latency distribution (publish → arrival)</h2>\n").append(latencyChart(report.runs()));
		html.append("<h2>Cost per technique</h2>\n<div class=\"charts\">\n");
		html.append(bars("Server CPU ms per 1,000 deliveries", report.runs(),
				(r) -> (r.delivered() > 0) ? r.server().publishCpuSeconds() * 1e6 / r.delivered() : Double.NaN));
		html.append(bars("Bytes received per delivered message", report.runs(), RunResult::bytesPerDelivery));
		html.append(bars("HTTP requests per delivered message", report.runs(),
				(r) -> (r.delivered() > 0) ? (double) r.httpRequests() / r.delivered() : Double.NaN));
		html.append(bars("Server RSS per connection (KB)", report.runs(),
				(r) -> r.server().rssPerConnection(r.connected()) / 1e3));
		html.append("</div>\n<p class=\"meta\">Latency is measured on the load generator's clock: from just before "
				+ "the publish request leaves to the arrival of the message at each receiver. Server figures come from "
				+ "its actuator (process.cpu.time, jvm.memory.used, pushlab.process.rss, jvm.threads.live)")
			.append((o.serverPid() > 0)
					? ", or where it has none from /proc/" + o.serverPid() + " (CPU time, VmRSS, threads)" : "")
			.append(".</p>\n");
		html.append("</body></html>\n");
		return html.toString();
	}

	private static String table(Report report) {
		String text = TextReport.render(report);
		String[] lines = text.split("\n");
		StringBuilder t = new StringBuilder("<table>\n");
		for (int i = 1; i < lines.length; i++) {
			if (i == 2 || !lines[i].startsWith("|")) {
				continue; // the separator, and the notes under the table
			}
			String[] cells = lines[i].substring(1, lines[i].length() - 1).split("\\|");
			t.append("<tr>");
			for (int c = 0; c < cells.length; c++) {
				String cell = cells[c].trim();
				String tag = (i == 1 || c == 0) ? "th" : "td";
				String cls = (cell.equals("LOSSY") || cell.startsWith("INCOMPLETE")
						|| cell.endsWith(RunResult.GENERATOR_BOUND_MARK)) ? " class=\"bad\""
								: cell.equals("clean") ? " class=\"good\"" : "";
				t.append('<')
					.append(tag)
					.append(cls)
					.append('>')
					.append(esc(cell))
					.append("</")
					.append(tag)
					.append('>');
			}
			t.append("</tr>\n");
		}
		return t.append("</table>").toString();
	}

	/** Why requests failed: each run's kept causes with their counts; empty when none. */
	private static String errorCauses(List<RunResult> runs) {
		StringBuilder list = new StringBuilder();
		for (RunResult run : runs) {
			for (RunResult.ErrorCause cause : run.errorCauses()) {
				list.append("<li><b>")
					.append(esc(run.technique()))
					.append("</b>: ")
					.append(cause.count())
					.append(" × ")
					.append(esc(cause.cause()))
					.append("</li>\n");
			}
		}
		return (list.length() == 0) ? "" : "<h2>Errors</h2>\n<ul class=\"bad\">\n" + list + "</ul>\n";
	}

	/** x: -log10(1 - p/100), clamped at 99.99; y: log10(ms). */
	private static String latencyChart(List<RunResult> runs) {
		int width = 900;
		int height = 360;
		int left = 80;
		int right = 130;
		int top = 15;
		int bottom = 40;
		double xMax = 4;
		double yMin = Double.MAX_VALUE;
		double yMax = -Double.MAX_VALUE;
		for (RunResult run : runs) {
			for (double[] point : run.latency().distribution()) {
				double y = Math.log10(Math.max(point[1], 0.01));
				yMin = Math.min(yMin, y);
				yMax = Math.max(yMax, y);
			}
		}
		if (yMin > yMax) {
			return "<p>No latency recorded.</p>\n";
		}
		yMin = Math.floor(yMin);
		yMax = Math.max(Math.ceil(yMax), yMin + 1);
		double plotW = width - left - right;
		double plotH = height - top - bottom;
		StringBuilder svg = new StringBuilder();
		svg.append("<svg viewBox=\"0 0 ")
			.append(width)
			.append(' ')
			.append(height)
			.append("\" role=\"img\" aria-label=\"Latency by percentile\">\n");
		String[] xLabels = { "0%", "90%", "99%", "99.9%", "99.99%" };
		for (int i = 0; i <= 4; i++) {
			double x = left + plotW * i / xMax;
			svg.append(line(x, top, x, top + plotH, "#ddd"));
			svg.append(text(x, height - bottom + 16, xLabels[i], "middle"));
		}
		for (double e = yMin; e <= yMax; e++) {
			double y = top + plotH - plotH * (e - yMin) / (yMax - yMin);
			svg.append(line(left, y, left + plotW, y, "#ddd"));
			svg.append(text(left - 6, y + 4, axisLabel(Math.pow(10, e)), "end"));
		}
		svg.append(text(left + plotW / 2, height - 6, "percentile", "middle"));
		for (int r = 0; r < runs.size(); r++) {
			String color = COLORS[r % COLORS.length];
			StringBuilder points = new StringBuilder();
			for (double[] point : runs.get(r).latency().distribution()) {
				double px = Math.min(xMax, -Math.log10(Math.max(1e-4, 1 - point[0] / 100)));
				double py = Math.log10(Math.max(point[1], 0.01));
				points.append(TextReport.fmt("%.1f,%.1f ", left + plotW * px / xMax,
						top + plotH - plotH * (py - yMin) / (yMax - yMin)));
			}
			svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
				.append(color)
				.append("\" points=\"")
				.append(points.toString().trim())
				.append("\"/>\n");
			svg.append("<rect x=\"")
				.append(width - right + 12)
				.append("\" y=\"")
				.append(top + 8 + r * 18)
				.append("\" width=\"12\" height=\"4\" fill=\"")
				.append(color)
				.append("\"/>");
			svg.append(text(width - right + 30, top + 14 + r * 18, runs.get(r).technique(), "start"));
		}
		return svg.append("</svg>\n").toString();
	}

	/**
	 * A bar's value: two significant digits below 0.1 (0.0004 HTTP requests per delivery
	 * is not 0.0).
	 */
	static String barLabel(double value) {
		return (value != 0 && Math.abs(value) < 0.1) ? TextReport.fmt("%.2g", value) : TextReport.num(value);
	}

	private static String axisLabel(double millis) {
		if (millis >= 1000) {
			return TextReport.fmt("%.0f s", millis / 1000);
		}
		return (millis >= 1) ? TextReport.fmt("%.0f ms", millis) : TextReport.fmt("%s ms", millis);
	}

	private static String bars(String title, List<RunResult> runs, ToDoubleFunction<RunResult> value) {
		int width = 420;
		int rowH = 26;
		int left = 95;
		int top = 28;
		int height = top + rowH * runs.size() + 10;
		double max = 0;
		for (RunResult run : runs) {
			double v = value.applyAsDouble(run);
			if (!Double.isNaN(v) && !Double.isInfinite(v)) {
				max = Math.max(max, v);
			}
		}
		StringBuilder svg = new StringBuilder();
		svg.append("<svg viewBox=\"0 0 ")
			.append(width)
			.append(' ')
			.append(height)
			.append("\" role=\"img\" aria-label=\"")
			.append(esc(title))
			.append("\">\n");
		svg.append(text(10, 18, title, "start"));
		double plotW = width - left - 80;
		for (int r = 0; r < runs.size(); r++) {
			RunResult run = runs.get(r);
			double v = value.applyAsDouble(run);
			double y = top + r * rowH;
			svg.append(text(left - 8, y + 15, run.technique(), "end"));
			boolean known = !Double.isNaN(v) && !Double.isInfinite(v);
			double w = (known && max > 0) ? plotW * v / max : 0;
			svg.append(TextReport.fmt("<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>", left,
					y + 2, Math.max(w, 1), COLORS[r % COLORS.length]));
			svg.append(text(left + w + 6, y + 15, known ? barLabel(v) : "n/a", "start"));
		}
		return svg.append("</svg>\n").toString();
	}

	private static String line(double x1, double y1, double x2, double y2, String color) {
		return TextReport.fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x1, y1, x2, y2,
				color);
	}

	private static String text(double x, double y, String text, String anchor) {
		return TextReport.fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", x, y, anchor, esc(text));
	}

	static String esc(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '<' -> out.append("&lt;");
				case '>' -> out.append("&gt;");
				case '&' -> out.append("&amp;");
				case '"' -> out.append("&quot;");
				case '\'' -> out.append("&#39;");
				default -> out.append(c);
			}
		}
		return out.toString();
	}

}
