package io.pushlab.loadlab;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.pushlab.technique.Technique;

/**
 * The load generator: {@code java -jar pushlab.jar loadlab [options]}. Runs each chosen
 * technique against a PushLab server, one after another, prints the table on stdout
 * (progress on stderr) and writes {@code loadlab-<time>.json} and {@code .html} to the
 * report folder. Starts no Spring context. Exit status: 0 when every run was clean and no
 * run was generator-bound; otherwise 1 when a run lost, doubled or reordered messages,
 * plus 4 when a run was generator-bound (so 4 or 5); 2 on a usage error, 3 on a failure.
 */
public final class LoadLab {

	private LoadLab() {
	}

	public static void main(String[] args) {
		System.exit(execute(args, System.out, System.err));
	}

	/**
	 * Parses the arguments, runs, prints and writes the reports.
	 * @param args the arguments after {@code loadlab}
	 * @param out where the table goes
	 * @param err where progress and errors go
	 * @return the exit status: 0 clean, 1 not clean, 4 generator-bound, 5 both, 2 usage
	 * error, 3 failure (the target answers nothing, a report cannot be written)
	 */
	public static int execute(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
			out.print(LoadLabOptions.USAGE);
			return 0;
		}
		LoadLabOptions options;
		try {
			options = LoadLabOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			err.println(ex.getMessage());
			return 2;
		}
		try {
			String unreachable = unreachable(options.target());
			if (unreachable != null) {
				err.println(unreachable);
				return UNREACHABLE;
			}
			Report report = run(options, err);
			out.print(TextReport.render(report));
			for (Path file : write(report)) {
				out.println("report: " + file.toAbsolutePath());
			}
			return status(report);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 3;
		}
		catch (IOException ex) {
			err.println("cannot write the report: " + ex.getMessage());
			return 3;
		}
	}

	/** Exit status when the target answers nothing: no run, no report. */
	static final int UNREACHABLE = 3;

	/**
	 * Asks the target for {@code /api/stats} before anything runs. A target where nothing
	 * listens would otherwise cost a whole run of failing clients, and short polling's
	 * receivers retry until {@code --connect-timeout} (two minutes by default). Any HTTP
	 * answer will do: a server that is not PushLab gets its run, with the answers' causes
	 * under the table.
	 * @param target the target
	 * @return {@code null} when the target answers HTTP, else the one-line error
	 * @throws InterruptedException when interrupted
	 */
	static String unreachable(URI target) throws InterruptedException {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		try {
			http.send(HttpRequest.newBuilder(URI.create(target + "/api/stats")).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.discarding());
			return null;
		}
		catch (IOException ex) {
			String cause = (ex.getMessage() != null) ? ex.getClass().getSimpleName() + ": " + ex.getMessage()
					: ex.getClass().getSimpleName();
			return "--target: nothing answers at " + target + " (" + cause + "); is PushLab running there?";
		}
	}

	/** Exit status of a finished report: 1 when lossy, plus 4 when generator-bound. */
	static final int LOSSY = 1;

	/** Added to the exit status when a run was generator-bound. */
	static final int GENERATOR_BOUND = 4;

	/**
	 * @param report a finished report
	 * @return 0 when clean and not generator-bound; {@link #LOSSY} and/or
	 * {@link #GENERATOR_BOUND} added otherwise
	 */
	static int status(Report report) {
		int status = report.clean() ? 0 : LOSSY;
		if (report.runs().stream().anyMatch(RunResult::generatorBound)) {
			status |= GENERATOR_BOUND;
			System.err.println(RunResult.GENERATOR_BOUND_MARK + " (exit status " + status + ")");
		}
		return status;
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
	 * Runs the techniques of the options in rooms the caller names (a server's start-up
	 * warm-up, which removes them afterwards), one after the other.
	 * @param options the settings
	 * @param room the room of each technique
	 * @return one result per technique
	 * @throws InterruptedException when interrupted
	 */
	public static List<RunResult> runInRooms(LoadLabOptions options, Function<Technique, String> room)
			throws InterruptedException {
		PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
		List<RunResult> runs = new ArrayList<>();
		for (Technique technique : options.techniques()) {
			runs.add(new LoadRun(options, technique, silent, room.apply(technique)).run());
		}
		return runs;
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
