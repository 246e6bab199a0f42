package io.pushlab.loadlab;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run the server refuses says why: more long-polling receivers from one address than
 * {@code max-queues-per-address} get 429, and the report names the status and the
 * server's problem detail, not just a count.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.long-polling.max-queues-per-address=2", "pushlab.long-polling.limit-loopback=true" })
@ActiveProfiles("test")
class LoadLabErrorCausesTests {

	private static final String DETAIL = "client: your address holds 2 long-polling queues, the most allowed";

	@LocalServerPort
	int port;

	@TempDir
	Path out;

	@Test
	void aLongPollingRunOverThePerAddressLimitReportsHttp429AndTheDetail() throws Exception {
		ByteArrayOutputStream stdout = new ByteArrayOutputStream();
		int status = LoadLab.execute(
				new String[] { "--target", "http://127.0.0.1:" + this.port, "--technique", "longpolling", "--clients",
						"5", "--messages", "3", "--rate", "50", "--warmup", "0", "--drain", "1000", "--out",
						this.out.toString(), "--quiet" },
				new PrintStream(stdout, true), new PrintStream(new ByteArrayOutputStream(), true));

		String table = stdout.toString(StandardCharsets.UTF_8);
		// the server runs in this JVM: run alone, the test's own start-up work can make
		// the run generator-bound (status 5), which is not what this test is about
		assertThat(status & ~LoadLab.GENERATOR_BOUND).as(table).isEqualTo(LoadLab.LOSSY);
		// three receivers refused, each giving up after its consecutive failures
		long errors = 3L * LongPollingLoadClient.MAX_FAILURES;
		assertThat(table).contains("2/5", "INCOMPLETE: 3 not connected")
			.contains("errors (longpolling): " + errors + " × HTTP 429 \"" + DETAIL)
			.doesNotContain("(other causes)");
		String json = read(".json");
		assertThat(json).contains("\"verdict\" : \"INCOMPLETE: 3 not connected\"", "\"errors\" : " + errors,
				"\"errorCauses\" : [ {", "\"cause\" : \"HTTP 429 \\\"" + DETAIL, "\"count\" : " + errors);
		String html = read(".html");
		assertThat(html).contains("<h2>Errors</h2>", "<b>longpolling</b>: " + errors + " × HTTP 429 &quot;" + DETAIL);
	}

	private String read(String suffix) throws Exception {
		try (var stream = Files.list(this.out)) {
			List<Path> files = stream.filter((f) -> f.toString().endsWith(suffix)).toList();
			assertThat(files).hasSize(1);
			return Files.readString(files.get(0));
		}
	}

}
