package io.pushlab.websocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-connection outbound path on a fake sink: order, one write in flight, the
 * bounds, the send-time and pong checks, and a single close reason.
 */
class OutboundTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final ExecutorService reporter = Executors.newSingleThreadExecutor();

	private final AtomicLong now = new AtomicLong(1_000);

	private final FakeSink sink = new FakeSink();

	private final List<int[]> sent = new CopyOnWriteArrayList<>();

	@AfterEach
	void shutdown() {
		this.reporter.shutdownNow();
	}

	private Outbound outbound(int maxBytes, int maxFrames) {
		return new Outbound(this.sink, (messages, bytes) -> this.sent.add(new int[] { messages, bytes }), maxBytes,
				maxFrames, this.now::get);
	}

	private static TextMessage frame(String text) {
		return new TextMessage(text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void writesInlineCompletedFramesInOrderWithoutGrowingTheStack() {
		// one thread here: plain lists (copy-on-write ones made this test take 15 s)
		FakeSink sink = new FakeSink(new ArrayList<>());
		sink.inline = true;
		AtomicInteger delivered = new AtomicInteger();
		Outbound outbound = new Outbound(sink, (messages, bytes) -> delivered.addAndGet(messages), 1 << 20, 1 << 20,
				this.now::get);
		for (int i = 0; i < 100_000; i++) {
			assertThat(outbound.send(frame("m" + i), 1)).isTrue();
		}
		assertThat(sink.written).hasSize(100_000);
		assertThat(sink.written.get(99_999)).isEqualTo("m99999");
		assertThat(delivered).hasValue(100_000);
		assertThat(outbound.closeReason()).isNull();
	}

	@Test
	void sendLaterQueuesInOrderButWritesOnlyOnTheExecutor() {
		this.sink.inline = true;
		Outbound outbound = outbound(1 << 20, 1 << 20);
		List<Runnable> executor = new ArrayList<>();
		assertThat(outbound.sendLater(frame("list"), 0, executor::add)).isTrue();
		assertThat(this.sink.written).as("nothing written in the caller's time").isEmpty();
		// a frame sent after it, inline or not, queues behind it
		assertThat(outbound.send(frame("chat"), 1)).isTrue();
		assertThat(outbound.sendLater(frame("delta"), 0, executor::add)).isTrue();
		assertThat(this.sink.written).isEmpty();
		assertThat(executor).as("one start for an idle writer").hasSize(1);
		executor.get(0).run();
		assertThat(this.sink.written).containsExactly("list", "chat", "delta");
		assertThat(outbound.backlog()).isZero();
		// idle again: the next frame sent inline is written at once
		assertThat(outbound.send(frame("next"), 1)).isTrue();
		assertThat(this.sink.written).last().isEqualTo("next");
	}

	@Test
	void sendLaterKeepsTheBounds() {
		Outbound outbound = outbound(1 << 20, 3);
		List<Runnable> executor = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			assertThat(outbound.sendLater(frame("m" + i), 0, executor::add)).isTrue();
		}
		assertThat(outbound.sendLater(frame("m3"), 0, executor::add)).isFalse();
		assertThat(outbound.closeReason()).isEqualTo(Outbound.TOO_SLOW);
		assertThat(this.sink.closes).containsExactly(Outbound.TOO_SLOW);
	}

	@Test
	void keepsOneWriteInFlightAndContinuesFromTheReportingThread() {
		Outbound outbound = outbound(1 << 20, 10_000);
		for (int i = 0; i < 1_000; i++) {
			outbound.send(frame("m" + i), 1);
		}
		assertThat(this.sink.written).as("one write in flight, the rest queued").hasSize(1);
		assertThat(outbound.backlog()).isEqualTo(999);
		// the container reports each write on a thread of its own
		this.sink.reportAsync = this.reporter;
		this.sink.completeLast(null);
		await().atMost(java.time.Duration.ofSeconds(10)).until(() -> this.sink.written.size() == 1_000);
		assertThat(this.sink.maxInFlight.get()).isEqualTo(1);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			expected.add("m" + i);
		}
		assertThat(this.sink.written).containsExactlyElementsOf(expected);
		await().atMost(java.time.Duration.ofSeconds(10)).until(() -> this.sent.size() == 1_000);
	}

	@Test
	void aFullQueueClosesWithTooSlowOnceAndDropsWhatWaits() {
		Outbound outbound = outbound(1_000, 100);
		assertThat(outbound.send(frame("x".repeat(600)), 1)).isTrue(); // in flight
		assertThat(outbound.send(frame("y".repeat(600)), 1)).isTrue(); // queued
		assertThat(outbound.send(frame("z".repeat(600)), 1)).as("over 1,000 queued bytes").isFalse();
		assertThat(outbound.closeReason()).isEqualTo(Outbound.TOO_SLOW);
		assertThat(outbound.backlog()).isZero();
		assertThat(outbound.send(frame("after"), 1)).isFalse();
		assertThat(outbound.close(CloseStatus.GOING_AWAY)).as("the first reason stays the only one").isFalse();
		assertThat(this.sink.closes).containsExactly(Outbound.TOO_SLOW);
		assertThat(Outbound.TOO_SLOW.getCode()).isEqualTo(1008);
	}

	@Test
	void theFrameCountIsBoundedToo() {
		Outbound outbound = outbound(1 << 20, 3);
		for (int i = 0; i < 4; i++) {
			assertThat(outbound.send(frame("m"), 1)).isTrue();
		}
		assertThat(outbound.send(frame("m"), 1)).isFalse();
		assertThat(this.sink.closes).containsExactly(Outbound.TOO_SLOW);
	}

	@Test
	void aWriteInFlightLongerThanTheSendTimeLimitCloses() {
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("stuck"), 1);
		this.now.addAndGet(SECOND);
		assertThat(outbound.check(2 * SECOND, 0)).isNull();
		this.now.addAndGet(2 * SECOND);
		assertThat(outbound.check(2 * SECOND, 0)).isEqualTo(Outbound.SEND_TIMEOUT);
		assertThat(this.sink.closes).containsExactly(Outbound.SEND_TIMEOUT);
		// the container then fails the write: still one close
		this.sink.completeLast(new java.io.IOException("closed"));
		assertThat(this.sink.closes).hasSize(1);
	}

	@Test
	void aPingWaitsForItsPongUpToThePongTimeout() {
		this.sink.inline = true;
		Outbound outbound = outbound(1 << 20, 100);
		outbound.ping();
		assertThat(this.sink.pings.get()).isEqualTo(1);
		this.now.addAndGet(5 * SECOND);
		outbound.pong();
		this.now.addAndGet(20 * SECOND);
		assertThat(outbound.check(SECOND, 10 * SECOND)).as("answered").isNull();
		outbound.ping();
		this.now.addAndGet(9 * SECOND);
		outbound.ping();
		assertThat(outbound.check(SECOND, 10 * SECOND)).as("timed from the first unanswered ping").isNull();
		this.now.addAndGet(2 * SECOND);
		assertThat(outbound.check(SECOND, 10 * SECOND)).isEqualTo(Outbound.NO_PONG);
		assertThat(this.sink.closes).containsExactly(Outbound.NO_PONG);
	}

	@Test
	void noPingWhileAWriteIsInFlight() {
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("busy"), 1);
		outbound.ping();
		assertThat(this.sink.pings.get()).isZero();
		this.sink.completeLast(null);
		outbound.ping();
		assertThat(this.sink.pings.get()).isEqualTo(1);
	}

	@Test
	void aFailedWriteClosesAndStopsWriting() {
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("a"), 1);
		outbound.send(frame("b"), 1);
		this.sink.completeLast(new java.io.IOException("reset"));
		assertThat(this.sink.closes).containsExactly(Outbound.WRITE_FAILED);
		assertThat(this.sink.written).containsExactly("a");
		assertThat(this.sent).isEmpty();
	}

	@Test
	void aWriteTheContainerTimedOutClosesAsASendTimeout() {
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("a"), 1);
		outbound.send(frame("b"), 1);
		// Tomcat's own write timeout, as its send handler reports it
		this.sink.completeLast(new java.io.IOException(new java.net.SocketTimeoutException()));
		assertThat(this.sink.closes).containsExactly(Outbound.SEND_TIMEOUT);
		assertThat(this.sent).isEmpty();
	}

	@Test
	void aBrokenConnectionIsClosedAsSlowByNoLaterReport() {
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("a"), 1);
		outbound.send(frame("b"), 1);
		// the client went away: the container reported the end of the stream
		outbound.broken();
		assertThat(outbound.closeReason()).isEqualTo(Outbound.BROKEN);
		assertThat(outbound.backlog()).isZero();
		// the close frame timed out behind the write in flight, then that write failed
		assertThat(outbound.close(Outbound.SEND_TIMEOUT)).isFalse();
		this.sink.completeLast(new java.io.IOException(new java.net.SocketTimeoutException()));
		this.now.addAndGet(10 * SECOND);
		assertThat(outbound.check(SECOND, 0)).isNull();
		assertThat(this.sink.closes).isEmpty();
		assertThat(this.sink.written).containsExactly("a");
		assertThat(outbound.send(frame("c"), 1)).isFalse();
	}

	@Test
	void framesQueuedBehindAWriteGoOutTogetherAsOneBatch() {
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("a"), 1);
		outbound.send(frame("b"), 1);
		outbound.send(frame("c"), 2);
		outbound.send(frame("d"), 1);
		assertThat(this.sink.batches).isEmpty();
		this.sink.completeLast(null);
		assertThat(this.sink.batches).as("b, c and d in one write").containsExactly(3);
		assertThat(this.sink.written).containsExactly("a", "b", "c", "d");
		assertThat(this.sent).as("delivered only when the batch reports").hasSize(1);
		this.sink.completeLast(null);
		assertThat(this.sent).extracting((counts) -> counts[0]).containsExactly(1, 1, 2, 1);
		assertThat(outbound.batchedFrames()).isEqualTo(3);
		// idle again: a single frame is written on its own, at once
		outbound.send(frame("e"), 1);
		assertThat(this.sink.written).last().isEqualTo("e");
		assertThat(this.sink.batches).hasSize(1);
		assertThat(this.sink.maxInFlight.get()).isEqualTo(1);
	}

	@Test
	void aFailedBatchClosesAndCountsNothing() {
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("a"), 1);
		outbound.send(frame("b"), 1);
		outbound.send(frame("c"), 1);
		this.sink.completeLast(null);
		this.sink.completeLast(new java.io.IOException("reset"));
		assertThat(this.sink.closes).containsExactly(Outbound.WRITE_FAILED);
		assertThat(this.sent).hasSize(1);
		assertThat(outbound.send(frame("d"), 1)).isFalse();
	}

	@Test
	void aSinkThatCannotBatchGetsFrameByFrame() {
		this.sink.batching = false;
		Outbound outbound = outbound(1 << 20, 100);
		outbound.send(frame("a"), 1);
		outbound.send(frame("b"), 1);
		outbound.send(frame("c"), 1);
		this.sink.completeLast(null);
		assertThat(this.sink.written).containsExactly("a", "b");
		this.sink.completeLast(null);
		this.sink.completeLast(null);
		assertThat(this.sink.written).containsExactly("a", "b", "c");
		assertThat(this.sink.batches).isEmpty();
		assertThat(this.sent).hasSize(3);
	}

	/** Records writes; reports them at once (inline) or when the test says. */
	static final class FakeSink implements Outbound.Sink {

		final List<String> written;

		final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

		final AtomicInteger pings = new AtomicInteger();

		final AtomicInteger inFlight = new AtomicInteger();

		final AtomicInteger maxInFlight = new AtomicInteger();

		volatile boolean inline;

		volatile ExecutorService reportAsync;

		private volatile Outbound.Done last;

		/** Frames held back by the batch in progress, or -1 when there is none. */
		private volatile int batched = -1;

		FakeSink() {
			this(new CopyOnWriteArrayList<>());
		}

		FakeSink(List<String> written) {
			this.written = written;
		}

		@Override
		public void write(TextMessage frame, Outbound.Done done) {
			this.written.add(frame.getPayload());
			if (this.batched >= 0) {
				// held back, as a container's output buffer does: reported at once
				this.batched++;
				done.done(null);
				return;
			}
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			report(done);
		}

		private void report(Outbound.Done done) {
			if (this.inline) {
				this.inFlight.decrementAndGet();
				done.done(null);
				return;
			}
			ExecutorService async = this.reportAsync;
			if (async != null) {
				async.execute(() -> {
					this.inFlight.decrementAndGet();
					done.done(null);
				});
				return;
			}
			this.last = done;
		}

		final List<Integer> batches = new CopyOnWriteArrayList<>();

		volatile boolean batching = true;

		@Override
		public boolean batches() {
			return this.batching;
		}

		@Override
		public void startBatch() {
			this.batched = 0;
		}

		@Override
		public void flush(Outbound.Done done) {
			this.batches.add(this.batched);
			this.batched = -1;
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			report(done);
		}

		void completeLast(Throwable failure) {
			Outbound.Done done = this.last;
			this.last = null;
			this.inFlight.decrementAndGet();
			done.done(failure);
		}

		@Override
		public void ping() {
			this.pings.incrementAndGet();
		}

		@Override
		public void close(CloseStatus status) {
			this.closes.add(status);
		}

	}

}
