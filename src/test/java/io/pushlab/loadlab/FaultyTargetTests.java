package io.pushlab.loadlab;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load lab must be able to fail: against a server that loses, doubles and delays
 * messages it reports exactly that, and exits with status 1.
 */
class FaultyTargetTests {

	@TempDir
	Path out;

	FaultyServer server;

	@BeforeEach
	void start() throws Exception {
		this.server = new FaultyServer();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	private String[] args(String technique) {
		return new String[] { "--target", this.server.url(), "--technique", technique, "--clients", "10", "--messages",
				"20", "--rate", "100", "--poll-interval", "100", "--drain", "1500", "--out", this.out.toString(),
				"--quiet" };
	}

	@Test
	void lostMessagesAreReportedAsLost() throws Exception {
		RunResult run = LoadLab.run(LoadLabOptions.parse(args("polling")), System.err).runs().get(0);

		assertThat(run.connected()).isEqualTo(10);
		assertThat(run.expected()).isEqualTo(200);
		// ids 4, 8, 12, 16 and 20 never reach any receiver
		assertThat(run.lost()).isEqualTo(50);
		assertThat(run.delivered()).isEqualTo(150);
		assertThat(run.clean()).isFalse();
		assertThat(Double.isNaN(run.server().cpuSeconds())).as("no actuator, no CPU figure").isTrue();
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void withTheServerPidAServerWithoutActuatorGetsCpuRssAndThreadsFromProc() throws Exception {
		// the faulty server runs in this JVM: its pid is ours
		String[] args = Stream
			.concat(Stream.of(args("polling")), Stream.of("--server-pid", Long.toString(ProcessHandle.current().pid())))
			.toArray(String[]::new);
		RunResult run = LoadLab.run(LoadLabOptions.parse(args), System.err).runs().get(0);

		RunResult.Server server = run.server();
		assertThat(server.cpuSeconds()).isPositive();
		assertThat(server.publishCpuSeconds()).isNotNaN().isGreaterThanOrEqualTo(0);
		assertThat(server.rssPeakBytes()).isGreaterThan(1e6);
		assertThat(server.threadsPeak()).isGreaterThanOrEqualTo(1);
		assertThat(server.heapPeakBytes()).as("no actuator, no heap figure").isNaN();
	}

	@Test
	void receiversTheServerRefusesCountAsErrorsWithTheStatusAsCause() throws Exception {
		// the faulty server knows neither /ws/chat nor long polling: 404, with and
		// without a body
		for (String technique : new String[] { "websocket", "longpolling" }) {
			RunResult run = LoadLab
				.run(LoadLabOptions.parse("--target", this.server.url(), "--technique", technique, "--clients", "3",
						"--messages", "1", "--warmup", "0", "--drain", "200", "--out", this.out.toString(), "--quiet"),
						System.err)
				.runs()
				.get(0);

			long perClient = technique.equals("websocket") ? 1 : LongPollingLoadClient.MAX_FAILURES;
			assertThat(run.connected()).isZero();
			assertThat(run.errors()).isEqualTo(3 * perClient);
			assertThat(run.errorCauses()).containsExactly(new RunResult.ErrorCause("HTTP 404", 3 * perClient));
		}
	}

	@Test
	void lateAndDoubledDeliveriesAreReportedAndTheExitStatusSaysSo() {
		ByteArrayOutputStream stdout = new ByteArrayOutputStream();
		int status = LoadLab.execute(args("sse"), new PrintStream(stdout, true),
				new PrintStream(new ByteArrayOutputStream(), true));

		String table = stdout.toString(StandardCharsets.UTF_8);
		assertThat(status).isEqualTo(1);
		assertThat(table).contains("LOSSY", "200/200", "n/a", TextReport.NO_SERVER_METRICS).doesNotContain("NaN");
		assertThat(table.lines().filter((line) -> line.startsWith("| duplicated"))).singleElement()
			.asString()
			.endsWith(" 200 |");
		double p50 = Double.parseDouble(table.lines()
			.filter((line) -> line.startsWith("| latency p50"))
			.findFirst()
			.orElseThrow()
			.replaceAll("[^0-9.]", ""));
		assertThat(p50).isGreaterThanOrEqualTo(FaultyServer.SSE_DELAY_MILLIS);
	}

}
