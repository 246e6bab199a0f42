package io.pushlab.loadlab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A target where nothing listens ends the load lab at once with one line and exit status
 * 3, and writes no report: short polling's receivers used to retry until
 * {@code --connect-timeout} (two minutes by default), the other techniques reported a
 * "LOSSY" run of failed publishes.
 */
class UnreachableTargetTests {

	@TempDir
	Path out;

	@Test
	void aTargetWhereNothingListensEndsTheRunWithOneLine() throws IOException {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		ByteArrayOutputStream stdout = new ByteArrayOutputStream();
		ByteArrayOutputStream stderr = new ByteArrayOutputStream();
		String[] args = { "--target", "http://127.0.0.1:" + port, "--technique", "all", "--clients", "5", "--messages",
				"5", "--out", this.out.toString() };
		// a guard against the old behaviour (minutes), not a timing figure
		int status = assertTimeoutPreemptively(Duration.ofSeconds(60),
				() -> LoadLab.execute(args, new PrintStream(stdout, true), new PrintStream(stderr, true)));

		assertThat(status).isEqualTo(LoadLab.UNREACHABLE);
		assertThat(stderr.toString(StandardCharsets.UTF_8).lines()).singleElement()
			.asString()
			.startsWith("--target: nothing answers at http://127.0.0.1:" + port + " (ConnectException")
			.endsWith("is PushLab running there?");
		assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty();
		try (var files = Files.list(this.out)) {
			assertThat(files).as("no report for a run that never reached a server").isEmpty();
		}
	}

}
