package io.pushlab.loadlab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.stats.Technique;

/**
 * The load generator: {@code java -jar pushlab.jar loadlab [options]}. Runs each chosen
 * technique against a PushLab server, one after another, prints the table on stdout
 * (progress on stderr) and writes {@code loadlab-<time>.json} and {@code .html} to the
 * report folder. Starts no Spring context. Exit status: 0 when every run was clean, 1
 * when one lost, doubled or reordered messages, 2 on a usage error.
 */
public final class LoadLab {

	private LoadLab() {
	}

	public static void main(String[] args) {
		LoadLabOptions options;
		try {
			options = LoadLabOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		try {
			Report report = run(options, System.err);
			System.out.print(TextReport.render(report));
			List<Path> files = write(report);
			files.forEach((file) -> System.out.println("report: " + file.toAbsolutePath()));
			System.exit(report.clean() ? 0 : 1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			System.exit(3);
		}
		catch (IOException ex) {
			System.err.println("cannot write the report: " + ex.getMessage());
			System.exit(3);
		}
	}

	/**
	 * Runs every technique of the options.
	 * @param options the settings
	 * @param progress where progress lines go
	 * @return the report
	 * @throws InterruptedException when interrupted
	 */
	public static Report run(LoadLabOptions options, PrintStream progress) throws InterruptedException {
		Instant started = Instant.now();
		List<RunResult> runs = new ArrayList<>();
		for (Technique technique : options.techniques()) {
			runs.add(new LoadRun(options, technique, progress).run());
		}
		return new Report(options.label(), options.target().toString(), started, System.getProperty("java.version"),
				options, runs);
	}

	/**
	 * Writes the JSON and HTML reports into the options' folder.
	 * @param report the report
	 * @return the files written
	 * @throws IOException when the folder cannot be written
	 */
	public static List<Path> write(Report report) throws IOException {
		Path folder = report.options().out();
		Files.createDirectories(folder);
		String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
			.withZone(ZoneOffset.UTC)
			.format(report.startedAt());
		String techniques = String.join("-", report.runs().stream().map(RunResult::technique).toList());
		String base = "loadlab-" + stamp + "-" + techniques;
		Path json = folder.resolve(base + ".json");
		Path html = folder.resolve(base + ".html");
		Files.writeString(json, JsonReport.render(report), StandardCharsets.UTF_8);
		Files.writeString(html, HtmlReport.render(report), StandardCharsets.UTF_8);
		return List.of(json, html);
	}

}
