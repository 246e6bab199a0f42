package io.pushlab.hub;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MailboxTests {

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void writesEveryItemInOrder() {
		List<Integer> written = new CopyOnWriteArrayList<>();
		Mailbox<Integer> mailbox = new Mailbox<>(10_000, this.executor, written::add, (reason) -> {
		});
		for (int i = 0; i < 5_000; i++) {
			assertThat(mailbox.offer(i)).isTrue();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 5_000);
		for (int i = 0; i < 5_000; i++) {
			assertThat(written.get(i)).isEqualTo(i);
		}
	}

	@Test
	void aStuckWriterNeverBlocksTheCallerAndOverflowClosesTheMailbox() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<Mailbox.CloseReason> reason = new AtomicReference<>();
		Mailbox<Integer> mailbox = new Mailbox<>(3, this.executor, (item) -> release.await(), reason::set);
		long started = System.nanoTime();
		boolean accepted = true;
		int offered = 0;
		while (accepted && offered < 100) {
			accepted = mailbox.offer(offered++);
		}
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertThat(accepted).isFalse();
		assertThat(offered).isLessThanOrEqualTo(5);
		assertThat(elapsedMillis).as("offer returned without waiting for the writer").isLessThan(5_000);
		await().atMost(Duration.ofSeconds(5)).untilAtomic(reason, org.hamcrest.Matchers.notNullValue());
		assertThat(reason.get()).isEqualTo(Mailbox.CloseReason.OVERFLOW);
		assertThat(mailbox.offer(99)).isFalse();
		release.countDown();
	}

	@Test
	void aFailedWriteClosesTheMailboxOnce() {
		List<Mailbox.CloseReason> reasons = new CopyOnWriteArrayList<>();
		Mailbox<Integer> mailbox = new Mailbox<>(10, this.executor, (item) -> {
			throw new java.io.IOException("peer gone");
		}, reasons::add);
		mailbox.offer(1);
		await().atMost(Duration.ofSeconds(5)).until(mailbox::isClosed);
		mailbox.offer(2);
		mailbox.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !reasons.isEmpty());
		assertThat(reasons).containsExactly(Mailbox.CloseReason.WRITE_FAILED);
	}

	@Test
	void aBatchingWriterThatFellBehindGetsEverythingWaitingAtOnceInOrder() {
		CountDownLatch release = new CountDownLatch(1);
		List<List<Integer>> batches = new CopyOnWriteArrayList<>();
		Mailbox<Integer> mailbox = Mailbox.batching(1_000, this.executor, (items) -> {
			if (items.get(0) == 0) {
				release.await();
			}
			batches.add(List.copyOf(items));
		}, (reason) -> {
		});
		mailbox.offer(0);
		for (int i = 1; i <= 100; i++) {
			assertThat(mailbox.offer(i)).isTrue();
		}
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> batches.stream().mapToInt(List::size).sum() == 101);
		List<Integer> written = batches.stream().flatMap(List::stream).toList();
		for (int i = 0; i <= 100; i++) {
			assertThat(written.get(i)).isEqualTo(i);
		}
		assertThat(batches).as("the 100 items that waited went out together").hasSizeLessThanOrEqualTo(2);
	}

}
