package io.pushlab.sse;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushlab.stats.TechniqueStats;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

/**
 * Issue 12, "SSE completion": a completion asked for while a write is in progress is
 * carried out as soon as that write returns, whichever way it returns. Before the fix, a
 * write that parked its frames for a client that was not ready returned early and skipped
 * the pending completion, so the stream stayed open after it was told to end.
 */
class SseConnectionCompletionTests {

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void aCompletionRequestedDuringAWriteThatParksItsFramesIsNotLost() throws Exception {
		AsyncContext async = mock(AsyncContext.class);
		ServletOutputStream out = mock(ServletOutputStream.class);
		CountDownLatch writing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// the write asks whether the client can take more, and the answer comes only
		// after the completion was requested: no, so the frames wait in pending
		willAnswer((invocation) -> {
			writing.countDown();
			release.await(10, TimeUnit.SECONDS);
			return false;
		}).given(out).isReady();
		SseConnection connection = new SseConnection("room", async, out, 10, this.executor,
				new TechniqueStats(new SimpleMeterRegistry()));

		connection.sendRaw("data: x\n\n".getBytes(StandardCharsets.UTF_8));
		assertThat(writing.await(10, TimeUnit.SECONDS)).as("the write started").isTrue();
		connection.complete();
		verify(async, never()).complete();

		release.countDown();
		verify(async, timeout(10_000)).complete();
		assertThat(connection.isClosed()).isTrue();
	}

}
