package io.pushlab.loadlab;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator's selector threads: connections are spread over them round-robin.
 * Closing stops every thread.
 */
final class NioLoops implements AutoCloseable {

	private final NioLoop[] loops;

	private final AtomicInteger next = new AtomicInteger();

	/**
	 * @param threads how many selector threads
	 */
	NioLoops(int threads) {
		this.loops = new NioLoop[Math.max(1, threads)];
		for (int i = 0; i < this.loops.length; i++) {
			this.loops[i] = new NioLoop("loadlab-io-" + (i + 1));
		}
	}

	/** The loop for the next connection. */
	NioLoop next() {
		return this.loops[Math.floorMod(this.next.getAndIncrement(), this.loops.length)];
	}

	int size() {
		return this.loops.length;
	}

	/** CPU time of each loop thread, in nanoseconds (-1 where unknown). */
	long[] cpuNanos() {
		long[] cpu = new long[this.loops.length];
		for (int i = 0; i < cpu.length; i++) {
			cpu[i] = this.loops[i].cpuNanos();
		}
		return cpu;
	}

	@Override
	public void close() {
		for (NioLoop loop : this.loops) {
			loop.close();
		}
	}

}
