package io.pushlab.loadlab;

import java.time.Duration;

import io.pushlab.technique.Technique;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LoadLabOptionsTests {

	@Test
	void parsesTheCommandLineOfTheIssue() {
		LoadLabOptions options = LoadLabOptions.parse("--target", "http://127.0.0.1:8080/", "--technique", "websocket",
				"--clients", "5000", "--rate", "20", "--messages", "200", "--payload", "100");
		assertThat(options.target()).hasToString("http://127.0.0.1:8080");
		assertThat(options.techniques()).containsExactly(Technique.WEBSOCKET);
		assertThat(options.clients()).isEqualTo(5000);
		assertThat(options.rate()).isEqualTo(20);
		assertThat(options.messages()).isEqualTo(200);
		assertThat(options.payload()).isEqualTo(100);
		assertThat(options.drain()).isEqualTo(Duration.ofMillis(6000));
		assertThat(options.warmup()).as("two seconds' worth at 20/s").isEqualTo(40);
		assertThat(options.ioThreads()).isEqualTo(2);
	}

	@Test
	void theWarmupIsTwoSecondsWorthAtMostTheMeasuredCountOrWhatIsAsked() {
		assertThat(LoadLabOptions.parse("--rate", "100", "--messages", "20").warmup()).isEqualTo(20);
		assertThat(LoadLabOptions.parse("--rate", "800", "--messages", "4000").warmup()).isEqualTo(1600);
		assertThat(LoadLabOptions.parse("--warmup", "0").warmup()).isZero();
		assertThat(LoadLabOptions.parse("--warmup", "7", "--io-threads", "0").warmup()).isEqualTo(7);
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--warmup", "-1"))
			.withMessageContaining("warmup");
	}

	@Test
	void theServerPidIsOptionalAndMustBeAProcessThatCanBeRead() {
		assertThat(LoadLabOptions.parse().serverPid()).isZero();
		long self = ProcessHandle.current().pid();
		if (ProcFs.readable(self)) {
			assertThat(LoadLabOptions.parse("--server-pid", Long.toString(self)).serverPid()).isEqualTo(self);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--server-pid", "-3"))
			.withMessageContaining("server-pid");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LoadLabOptions.parse("--server-pid", Long.toString(Long.MAX_VALUE)))
			.withMessageContaining("/proc/" + Long.MAX_VALUE + "/stat");
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--help"))
			.withMessageContaining("--server-pid PID");
	}

	@Test
	void helpPrintsTheUsageOnStandardOutputAndExitsZero() {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
		int status = LoadLab.execute(new String[] { "--help" }, new java.io.PrintStream(out, true),
				new java.io.PrintStream(err, true));
		assertThat(status).isZero();
		assertThat(out.toString()).startsWith("usage: java -jar pushlab.jar loadlab").contains("--server-pid PID");
		assertThat(err.toString()).isEmpty();
	}

	@Test
	void allMeansEveryTechniqueInOrder() {
		assertThat(LoadLabOptions.parse("--technique", "all").techniques()).containsExactly(Technique.POLLING,
				Technique.LONGPOLLING, Technique.SSE, Technique.WEBSOCKET);
		assertThat(LoadLabOptions.parse("--technique", "sse,polling").techniques()).containsExactly(Technique.SSE,
				Technique.POLLING);
	}

	@Test
	void rejectsWrongArgumentsWithTheUsage() {
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--technique", "carrier-pigeon"))
			.withMessageContaining("unknown technique carrier-pigeon")
			.withMessageContaining("usage:");
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--clients", "0"))
			.withMessageStartingWith("--clients: must be 1 or more (was 0)\n");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LoadLabOptions.parse("--rate", "0", "--payload", "-1", "--drain", "-5"))
			.withMessageStartingWith(
					"--rate: must be positive (was 0.0)\n--payload: must be 1 or more (was -1)\n--drain: must be 0 or more (was -5)\n");
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--rate", "fast"))
			.withMessageContaining("--rate: not a number");
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--clients"))
			.withMessageContaining("missing value");
		assertThatIllegalArgumentException().isThrownBy(() -> LoadLabOptions.parse("--target", "ftp://x"))
			.withMessageContaining("http://");
	}

}
