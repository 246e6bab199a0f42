package io.pushlab.websocket;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A connection's rate limit: {@code perSecond} tokens a second, bursts up to twice that;
 * each frame takes one token. 0 means no limit. Thread-safe.
 */
final class TokenBucket {

	private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

	private final int perSecond;

	private final double capacity;

	private final LongSupplier nanoTime;

	private double tokens;

	private long refilledAt;

	TokenBucket(int perSecond, LongSupplier nanoTime) {
		this.perSecond = perSecond;
		this.capacity = 2.0 * perSecond;
		this.nanoTime = nanoTime;
		this.tokens = this.capacity;
		this.refilledAt = nanoTime.getAsLong();
	}

	/**
	 * Takes a token.
	 * @return false when none is left: the frame is over the limit
	 */
	synchronized boolean tryAcquire() {
		if (this.perSecond == 0) {
			return true;
		}
		long now = this.nanoTime.getAsLong();
		long elapsed = now - this.refilledAt;
		if (elapsed > 0) {
			this.tokens = Math.min(this.capacity, this.tokens + (double) elapsed * this.perSecond / NANOS_PER_SECOND);
			this.refilledAt = now;
		}
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		return false;
	}

}
