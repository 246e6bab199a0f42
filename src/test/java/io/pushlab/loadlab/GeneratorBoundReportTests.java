package io.pushlab.loadlab;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every report, and the exit status, marks a run whose generator was over 90 % busy. */
class GeneratorBoundReportTests {

	private static RunResult run(String technique, double busy) {
		RunResult.Latency latency = new RunResult.Latency(10, 1, 2, 3, 4, 5, 2, List.of());
		RunResult.Server server = new RunResult.Server(1, 1, 1, 1, 1, 1, 1, 1, 1);
		return new RunResult(technique, 10, 10, 0.1, 20, 1, 100, 0, 10, 10, 0, 0, 0, 0, latency, 100, 10, 2000, 200,
				server, 1, 2, busy, 1, List.of());
	}

	private static Report report(RunResult... runs) {
		return new Report("", "http://127.0.0.1:1", Instant.EPOCH, "17", LoadLabOptions.parse("--quiet"),
				List.of(runs));
	}

	@Test
	void aBusyGeneratorIsMarkedInTextJsonHtmlAndExitStatus() {
		Report report = report(run("sse", 0.95), run("websocket", 0.4));

		assertThat(TextReport.render(report)).contains("95 % (1 io) generator-bound: not a server figure",
				"40 % (1 io)", "GENERATOR-BOUND: NOT A SERVER FIGURE: sse");
		assertThat(JsonReport.render(report)).contains("\"generatorBound\" : true", "\"generatorBound\" : false",
				"\"generatorBusy\" : 0.95");
		assertThat(HtmlReport.render(report)).contains("<p class=\"bad\">generator-bound: not a server figure: sse");
		assertThat(LoadLab.status(report)).isEqualTo(LoadLab.GENERATOR_BOUND);
	}

	@Test
	void anIdleGeneratorIsNotMarked() {
		Report report = report(run("sse", 0.5));

		assertThat(TextReport.render(report)).doesNotContain("generator-bound");
		assertThat(JsonReport.render(report)).contains("\"generatorBound\" : false");
		assertThat(HtmlReport.render(report)).doesNotContain("generator-bound");
		assertThat(LoadLab.status(report)).isZero();
	}

}
