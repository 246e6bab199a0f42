package io.pushlab.loadlab;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain after the last publish: late deliveries that keep arriving are waited for, so
 * a server that is behind is not reported as losing them; a pause longer than the drain
 * ends the wait.
 */
class DrainTests {

	private final ScheduledExecutorService arrivals = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stop() {
		this.arrivals.shutdownNow();
	}

	@Test
	void deliveriesThatKeepArrivingAreWaitedForLongerThanTheDrain() throws Exception {
		LongAdder delivered = new LongAdder();
		// one delivery every 50 ms, 30 in all: 1.5 s, five times the 300 ms drain
		this.arrivals.scheduleAtFixedRate(() -> {
			if (delivered.sum() < 30) {
				delivered.increment();
			}
		}, 50, 50, TimeUnit.MILLISECONDS);
		long seen = LoadRun.awaitDeliveries(delivered, 30, Duration.ofMillis(300), Duration.ofSeconds(30));
		assertThat(seen).isEqualTo(30);
	}

	@Test
	void aPauseLongerThanTheDrainEndsTheWait() throws Exception {
		LongAdder delivered = new LongAdder();
		delivered.add(10);
		long started = System.nanoTime();
		long seen = LoadRun.awaitDeliveries(delivered, 30, Duration.ofMillis(200), Duration.ofSeconds(30));
		assertThat(seen).isEqualTo(10);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(200),
				Duration.ofSeconds(10));
	}

	@Test
	void theWaitIsBoundedEvenWhileDeliveriesArrive() throws Exception {
		LongAdder delivered = new LongAdder();
		this.arrivals.scheduleAtFixedRate(delivered::increment, 10, 10, TimeUnit.MILLISECONDS);
		long started = System.nanoTime();
		LoadRun.awaitDeliveries(delivered, Long.MAX_VALUE, Duration.ofMillis(200), Duration.ofMillis(500));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(500),
				Duration.ofSeconds(10));
	}

}
