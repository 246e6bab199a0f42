package io.pushlab.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushlab.stats.Rejections;
import io.pushlab.stats.TechniqueStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, "SSE completion": a completion asked for while a write is in progress is
 * carried out as soon as that write returns, whichever way it returns, and never by
 * waiting on the write (a stuck client's write may take until the container's write
 * timeout).
 */
class SseConnectionCompletionTests {

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	final Set<SseConnection> writes = ConcurrentHashMap.newKeySet();

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void aCompletionRequestedDuringAWriteIsCarriedOutWhenTheWriteReturns() throws Exception {
		BlockingEmitter emitter = new BlockingEmitter(false);
		SseConnection connection = new SseConnection("room", emitter, 10, this.executor, this.writes,
				new TechniqueStats(new SimpleMeterRegistry()), new Rejections(new SimpleMeterRegistry()));

		connection.sendRaw("data: x\n\n".getBytes(StandardCharsets.UTF_8));
		assertThat(emitter.writing.await(10, TimeUnit.SECONDS)).as("the write started").isTrue();
		connection.complete();
		assertThat(emitter.completed.getCount()).as("not completed during the write").isEqualTo(1);
		assertThat(connection.isClosed()).isTrue();

		emitter.release.countDown();
		assertThat(emitter.completed.await(10, TimeUnit.SECONDS)).as("completed after the write").isTrue();
	}

	@Test
	void aWriteThatFailsLeavesTheCompletionToTheContainer() throws Exception {
		BlockingEmitter emitter = new BlockingEmitter(true);
		SseConnection connection = new SseConnection("room", emitter, 10, this.executor, this.writes,
				new TechniqueStats(new SimpleMeterRegistry()), new Rejections(new SimpleMeterRegistry()));

		emitter.release.countDown();
		connection.sendRaw("data: x\n\n".getBytes(StandardCharsets.UTF_8));
		assertThat(emitter.writing.await(10, TimeUnit.SECONDS)).isTrue();
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(connection::isClosed);
		// Spring: after a failed send the container reports the error itself; the
		// application must not complete the emitter
		assertThat(emitter.completed.getCount()).isEqualTo(1);
	}

	@Test
	void theWriteInProgressIsVisibleToTheWatchdog() throws Exception {
		BlockingEmitter emitter = new BlockingEmitter(false);
		SseConnection connection = new SseConnection("room", emitter, 10, this.executor, this.writes,
				new TechniqueStats(new SimpleMeterRegistry()), new Rejections(new SimpleMeterRegistry()));
		assertThat(connection.blockedFor(System.nanoTime())).isZero();

		connection.sendRaw("data: x\n\n".getBytes(StandardCharsets.UTF_8));
		assertThat(emitter.writing.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(connection.blockedFor(System.nanoTime())).isPositive();
		assertThat(this.writes).as("the writes the watchdog checks").containsExactly(connection);

		emitter.release.countDown();
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.until(() -> connection.blockedFor(System.nanoTime()) == 0);
		assertThat(this.writes).isEmpty();
	}

	/** An emitter whose send waits to be released, then returns or fails. */
	static final class BlockingEmitter extends SseEmitter {

		final CountDownLatch writing = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final CountDownLatch completed = new CountDownLatch(1);

		private final boolean fail;

		BlockingEmitter(boolean fail) {
			this.fail = fail;
		}

		@Override
		public void send(Set<DataWithMediaType> items) throws IOException {
			this.writing.countDown();
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.fail) {
				throw new IOException("Broken pipe");
			}
		}

		@Override
		public void complete() {
			this.completed.countDown();
		}

	}

}
