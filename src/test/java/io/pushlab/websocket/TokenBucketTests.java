package io.pushlab.websocket;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTests {

	final AtomicLong now = new AtomicLong(1_000_000);

	@Test
	void allowsBurstsOfTwiceTheRateThenTheRate() {
		TokenBucket bucket = new TokenBucket(20, this.now::get);
		assertThat(take(bucket, 100)).isEqualTo(40);
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
		assertThat(take(bucket, 100)).isEqualTo(10);
		this.now.addAndGet(TimeUnit.SECONDS.toNanos(60));
		assertThat(take(bucket, 100)).as("never more than the burst").isEqualTo(40);
	}

	@Test
	void refillsInFractions() {
		TokenBucket bucket = new TokenBucket(4, this.now::get);
		take(bucket, 8);
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
		assertThat(bucket.tryAcquire()).isFalse();
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(150));
		assertThat(bucket.tryAcquire()).isTrue();
		assertThat(bucket.tryAcquire()).isFalse();
	}

	@Test
	void zeroMeansNoLimit() {
		TokenBucket bucket = new TokenBucket(0, this.now::get);
		assertThat(take(bucket, 10_000)).isEqualTo(10_000);
	}

	private static int take(TokenBucket bucket, int attempts) {
		int taken = 0;
		for (int i = 0; i < attempts; i++) {
			if (bucket.tryAcquire()) {
				taken++;
			}
		}
		return taken;
	}

}
