package io.pushlab.loadlab;

import java.time.Instant;
import java.util.List;

/**
 * A whole load-lab invocation: where it pointed, with what settings, and one
 * {@link RunResult} per technique, in the order they ran. Immutable.
 *
 * @param label the free text naming the run
 * @param target the server measured
 * @param startedAt when the lab started
 * @param generatorJava the load generator's Java version
 * @param options the settings
 * @param runs the results
 */
public record Report(String label, String target, Instant startedAt, String generatorJava, LoadLabOptions options,
		List<RunResult> runs) {

	/**
	 * @return true when every run was clean
	 */
	public boolean clean() {
		return this.runs.stream().allMatch(RunResult::clean);
	}

}
