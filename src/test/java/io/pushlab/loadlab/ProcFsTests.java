package io.pushlab.loadlab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

class ProcFsTests {

	@Test
	void cpuTicksAreUtimePlusStimeCountedFromTheLastParenthesis() {
		// field 2 may hold spaces and parentheses; utime (14) = 1200, stime (15) = 34
		String stat = "4242 (node (x) y) S 1 4242 4242 0 -1 4194304 5000 0 12 0 1200 34 0 0 20 0 11 0 9000 "
				+ "1000000 20000 18446744073709551615";
		assertThat(ProcFs.cpuTicks(stat)).isEqualTo(1234);
		assertThat(ProcFs.cpuTicks("garbage")).isEqualTo(-1);
		assertThat(ProcFs.cpuTicks("1 (x) S 1 2")).isEqualTo(-1);
	}

	@Test
	void statusFieldsAreTheFirstNumberOfTheirLine() {
		String status = "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t   51200 kB\nThreads:\t17\n";
		assertThat(ProcFs.statusField(status, "VmRSS:")).isEqualTo(51200);
		assertThat(ProcFs.statusField(status, "Threads:")).isEqualTo(17);
		assertThat(ProcFs.statusField(status, "VmSwap:")).isNaN();
		assertThat(ProcFs.statusField(null, "VmRSS:")).isNaN();
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void readsThisJvmsOwnCpuTimeRssAndThreads() {
		long pid = ProcessHandle.current().pid();
		assertThat(ProcFs.readable(pid)).isTrue();
		assertThat(ProcFs.ticksPerSecond()).isPositive();
		double before = ProcFs.cpuSeconds(pid);
		assertThat(before).isPositive();
		burnCpuUntilProcSeesMore(pid, before);
		assertThat(ProcFs.cpuSeconds(pid)).isGreaterThan(before);
		assertThat(ProcFs.rssBytes(pid)).isGreaterThan(1e6);
		assertThat(ProcFs.threads(pid)).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aProcessThatIsNotThereHasNoFigures() {
		long pid = Long.MAX_VALUE;
		assertThat(ProcFs.readable(pid)).isFalse();
		assertThat(ProcFs.cpuSeconds(pid)).isNaN();
		assertThat(ProcFs.rssBytes(pid)).isNaN();
		assertThat(ProcFs.threads(pid)).isNaN();
	}

	/** Spins (bounded, at most 5 s) until /proc has counted at least one more tick. */
	private static void burnCpuUntilProcSeesMore(long pid, double before) {
		long deadline = System.nanoTime() + 5_000_000_000L;
		long sink = 0;
		while (ProcFs.cpuSeconds(pid) <= before && System.nanoTime() < deadline) {
			for (int i = 0; i < 1_000_000; i++) {
				sink += i * 31L ^ sink;
			}
		}
		assertThat(sink).isNotEqualTo(1);
	}

}
