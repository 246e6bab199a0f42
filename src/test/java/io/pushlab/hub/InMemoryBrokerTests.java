package io.pushlab.hub;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryBrokerTests {

	private final AtomicInteger serializations = new AtomicInteger();

	private final MessageCodec codec = (message) -> {
		this.serializations.incrementAndGet();
		return "{\"id\":" + message.id() + ",\"text\":\"" + message.text() + "\"}";
	};

	private InMemoryBroker broker(int historySize) {
		return new InMemoryBroker(historySize, this.codec, Clock.systemUTC());
	}

	private static Draft draft(String text) {
		return new Draft("alice", text, null);
	}

	@Test
	void discardRemovesARoomOnlyOnceItHasNoSubscriberAndForgetsIt() {
		InMemoryBroker broker = broker(10);
		broker.publish("w", draft("1"));
		Subscription subscription = broker.subscribe("w", -1, (envelope) -> true);
		assertThat(broker.discard("w")).isFalse();
		assertThat(broker.holds("w")).isTrue();
		subscription.close();
		assertThat(broker.discard("w")).isTrue();
		assertThat(broker.holds("w")).isFalse();
		assertThat(broker.roomCount()).isZero();
		assertThat(broker.lastId("w")).isZero();
		assertThat(broker.discard("never")).isTrue();
	}

	@Test
	void idsStartAtOneAndIncreasePerRoom() {
		InMemoryBroker broker = broker(10);
		assertThat(broker.publish("a", draft("1")).id()).isEqualTo(1);
		assertThat(broker.publish("a", draft("2")).id()).isEqualTo(2);
		assertThat(broker.publish("b", draft("x")).id()).isEqualTo(1);
		assertThat(broker.lastId("a")).isEqualTo(2);
		assertThat(broker.lastId("never")).isZero();
		Message stored = broker.find("a", 2).orElseThrow().message();
		assertThat(stored.room()).isEqualTo("a");
		assertThat(stored.from()).isEqualTo("alice");
		assertThat(stored.sentAt()).isPositive();
	}

	@Test
	void historyIsBoundedAndReadByCursorWithGap() {
		InMemoryBroker broker = broker(5);
		for (int i = 1; i <= 12; i++) {
			broker.publish("r", draft("m" + i));
		}
		Slice all = broker.read("r", 0, 100);
		assertThat(all.messages()).extracting(Envelope::id).containsExactly(8L, 9L, 10L, 11L, 12L);
		assertThat(all.gap()).isTrue();
		assertThat(all.last()).isEqualTo(12);
		Slice recent = broker.read("r", 9, 2);
		assertThat(recent.messages()).extracting(Envelope::id).containsExactly(10L, 11L);
		assertThat(recent.gap()).isFalse();
		assertThat(broker.read("r", 7, 100).gap()).isFalse();
		assertThat(broker.read("r", 6, 100).gap()).isTrue();
		assertThat(broker.read("r", 12, 100).messages()).isEmpty();
		assertThat(broker.find("r", 7)).isEmpty();
		assertThat(broker.find("r", 8)).isPresent();
		assertThat(broker.read("empty", 0, 10)).isEqualTo(new Slice("empty", List.of(), 0, false));
	}

	@Test
	void largeMessagesAreTrimmedByTheRoomsByteBudgetKeepingTheNewest() {
		long budget = 256 * 1024;
		InMemoryBroker broker = new InMemoryBroker(1000, budget, this.codec, Clock.systemUTC(), 10,
				java.time.Duration.ZERO);
		String big = "\uD83D\uDE00".repeat(2000);
		long weight = InMemoryBroker.weight(broker.publish("r", draft(big)));
		// 2000 emoji held as UTF-16 text and JSON, plus three UTF-8 copies for the frames
		assertThat(weight).isGreaterThan(2 * 8000 + 3 * 8000);
		for (int i = 2; i <= 200; i++) {
			broker.publish("r", draft(big + i));
			assertThat(broker.retainedBytes("r")).isLessThanOrEqualTo(budget);
		}
		Slice all = broker.read("r", 0, 1000);
		long kept = budget / weight;
		assertThat(all.messages()).hasSizeBetween((int) kept - 1, (int) kept);
		assertThat(all.messages().get(all.messages().size() - 1).message().text()).isEqualTo(big + 200);
		assertThat(all.messages()).extracting(Envelope::id).isSorted().endsWith(200L);
		assertThat(all.gap()).isTrue();
		long oldest = all.messages().get(0).id();
		assertThat(broker.find("r", oldest - 1)).isEmpty();
		assertThat(broker.read("r", oldest - 1, 10).gap()).isFalse();
		assertThat(broker.read("r", oldest - 2, 10).gap()).isTrue();
		List<Envelope> replay = new ArrayList<>();
		AtomicBoolean gap = new AtomicBoolean();
		broker.subscribe("r", 0, new Subscriber() {
			@Override
			public boolean deliver(Envelope envelope) {
				return true;
			}

			@Override
			public boolean replay(List<Envelope> messages, boolean missed) {
				replay.addAll(messages);
				gap.set(missed);
				return true;
			}
		});
		assertThat(replay).extracting(Envelope::id)
			.containsExactlyElementsOf(all.messages().stream().map(Envelope::id).toList());
		assertThat(gap).isTrue();
		// small messages fill the budget again up to the count bound
		for (int i = 0; i < 1000; i++) {
			broker.publish("r", draft("hi"));
		}
		assertThat(broker.read("r", 0, 2000).messages()).hasSizeGreaterThan(100)
			.allSatisfy((envelope) -> assertThat(envelope.message().text()).isEqualTo("hi"));
		assertThat(broker.retainedBytes("r")).isLessThanOrEqualTo(budget);
	}

	@Test
	void aMessageLargerThanTheBudgetIsStillKeptAsTheNewest() {
		InMemoryBroker broker = new InMemoryBroker(10, 1024, this.codec, Clock.systemUTC(), 10,
				java.time.Duration.ZERO);
		broker.publish("r", draft("x".repeat(5000)));
		Envelope second = broker.publish("r", draft("y".repeat(5000)));
		assertThat(broker.read("r", 0, 10).messages()).containsExactly(second);
		assertThat(broker.find("r", 2)).contains(second);
		assertThat(broker.lastId("r")).isEqualTo(2);
	}

	@Test
	void eachMessageIsSerializedOnceWhateverTheNumberOfSubscribers() {
		InMemoryBroker broker = broker(10);
		List<String> seen = Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < 50; i++) {
			broker.subscribe("r", -1, (envelope) -> seen.add(envelope.json()));
		}
		broker.publish("r", draft("hello"));
		assertThat(this.serializations).hasValue(1);
		assertThat(seen).hasSize(50).containsOnly("{\"id\":1,\"text\":\"hello\"}");
	}

	@Test
	void subscribeReplaysAfterCursorThenDeliversLiveWithoutGapOrDuplicate() {
		InMemoryBroker broker = broker(100);
		for (int i = 1; i <= 5; i++) {
			broker.publish("r", draft("m" + i));
		}
		Recorder recorder = new Recorder(Integer.MAX_VALUE);
		List<Long> ids = recorder.ids;
		Subscription subscription = broker.subscribe("r", 2, recorder);
		assertThat(recorder.replays).containsExactly(List.of(3L, 4L, 5L));
		assertThat(recorder.gap).isFalse();
		broker.publish("r", draft("m6"));
		assertThat(ids).containsExactly(3L, 4L, 5L, 6L);
		subscription.close();
		broker.publish("r", draft("m7"));
		assertThat(ids).containsExactly(3L, 4L, 5L, 6L);
		assertThat(broker.subscriberCount("r")).isZero();
	}

	@Test
	void replayFromBeforeTheRetainedHistoryReportsAGap() {
		InMemoryBroker broker = broker(3);
		for (int i = 1; i <= 6; i++) {
			broker.publish("r", draft("m" + i));
		}
		Recorder recorder = new Recorder(Integer.MAX_VALUE);
		broker.subscribe("r", 1, recorder);
		assertThat(recorder.gap).isTrue();
		assertThat(recorder.ids).containsExactly(4L, 5L, 6L);
	}

	@Test
	void aReplayLimitHandsOverTheNewestMessagesThenLive() {
		InMemoryBroker broker = broker(100);
		for (int i = 1; i <= 10; i++) {
			broker.publish("r", draft("m" + i));
		}
		Recorder recorder = new Recorder(3);
		broker.subscribe("r", 0, recorder);
		assertThat(recorder.replays).containsExactly(List.of(8L, 9L, 10L));
		assertThat(recorder.gap).isTrue();
		broker.publish("r", draft("m11"));
		assertThat(recorder.ids).containsExactly(8L, 9L, 10L, 11L);
	}

	@Test
	void anEmptyReplayIsStillHandedOverOnceAndALiveOnlySubscriptionGetsNone() {
		InMemoryBroker broker = broker(100);
		Recorder replaying = new Recorder(50);
		Recorder live = new Recorder(50);
		broker.subscribe("r", 0, replaying);
		broker.subscribe("r", -1, live);
		broker.publish("r", draft("m1"));
		assertThat(replaying.replays).containsExactly(List.of());
		assertThat(live.replays).isEmpty();
		assertThat(replaying.ids).containsExactly(1L);
		assertThat(live.ids).containsExactly(1L);
	}

	@Test
	void aCursorBeyondTheNewestIdReplaysNothingEvenAtLongMaxValue() {
		InMemoryBroker broker = broker(100);
		for (int i = 1; i <= 5; i++) {
			broker.publish("r", draft("m" + i));
		}
		Slice slice = broker.read("r", Long.MAX_VALUE, 100);
		assertThat(slice.messages()).isEmpty();
		assertThat(slice.gap()).isFalse();
		assertThat(slice.last()).isEqualTo(5);
		Recorder recorder = new Recorder(Integer.MAX_VALUE);
		broker.subscribe("r", Long.MAX_VALUE, recorder);
		broker.publish("r", draft("m6"));
		assertThat(recorder.replays).containsExactly(List.of());
		assertThat(recorder.gap).isFalse();
		assertThat(recorder.ids).isEmpty();
		Recorder near = new Recorder(Integer.MAX_VALUE);
		broker.subscribe("r", Long.MAX_VALUE - 1, near);
		assertThat(near.ids).isEmpty();
	}

	@Test
	void aSubscriptionClosedFromInsideADeliveryLeavesAndTheFanOutGoesOn() {
		InMemoryBroker broker = broker(10);
		List<Long> first = new ArrayList<>();
		List<Long> last = new ArrayList<>();
		broker.subscribe("r", -1, (envelope) -> first.add(envelope.id()));
		Subscription[] self = new Subscription[1];
		List<Long> closing = new ArrayList<>();
		self[0] = broker.subscribe("r", -1, (envelope) -> {
			closing.add(envelope.id());
			self[0].close();
			return true;
		});
		broker.subscribe("r", -1, (envelope) -> last.add(envelope.id()));
		broker.publish("r", draft("1"));
		broker.publish("r", draft("2"));
		assertThat(first).containsExactly(1L, 2L);
		assertThat(last).containsExactly(1L, 2L);
		assertThat(closing).containsExactly(1L);
		assertThat(broker.subscriberCount("r")).isEqualTo(2);
	}

	@Test
	void subscriptionsClosingOnOtherThreadsDuringFanOutsNeverCostTheOthersAMessage() throws Exception {
		InMemoryBroker broker = broker(100);
		int messages = 2_000;
		int steady = 8;
		List<ConcurrentLinkedQueue<Long>> received = new ArrayList<>();
		for (int s = 0; s < steady; s++) {
			ConcurrentLinkedQueue<Long> queue = new ConcurrentLinkedQueue<>();
			received.add(queue);
			broker.subscribe("r", -1, (envelope) -> queue.add(envelope.id()));
		}
		ExecutorService pool = Executors.newFixedThreadPool(3);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger deliveredAfterClose = new AtomicInteger();
		List<Future<?>> churners = new ArrayList<>();
		for (int t = 0; t < 2; t++) {
			churners.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < 2_000; i++) {
					AtomicBoolean closed = new AtomicBoolean();
					AtomicInteger late = new AtomicInteger();
					Subscription subscription = broker.subscribe("r", -1, (envelope) -> {
						if (closed.get()) {
							late.incrementAndGet();
						}
						return true;
					});
					subscription.close();
					closed.set(true);
					subscription.close();
					// at most the one delivery already under way when close() returned
					if (late.get() > 1) {
						deliveredAfterClose.incrementAndGet();
					}
				}
				return null;
			}));
		}
		Future<?> publisher = pool.submit(() -> {
			start.await();
			for (int i = 0; i < messages; i++) {
				broker.publish("r", draft("m" + i));
			}
			return null;
		});
		start.countDown();
		publisher.get(60, TimeUnit.SECONDS);
		for (Future<?> churner : churners) {
			churner.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();
		List<Long> expected = new ArrayList<>();
		for (long id = 1; id <= messages; id++) {
			expected.add(id);
		}
		for (ConcurrentLinkedQueue<Long> queue : received) {
			assertThat(new ArrayList<>(queue)).isEqualTo(expected);
		}
		assertThat(deliveredAfterClose).hasValue(0);
		assertThat(broker.subscriberCount("r")).isEqualTo(steady);
	}

	/** Records the replays and deliveries it gets. */
	private static final class Recorder implements Subscriber {

		final List<Long> ids = new ArrayList<>();

		final List<List<Long>> replays = new ArrayList<>();

		final int limit;

		Boolean gap;

		Recorder(int limit) {
			this.limit = limit;
		}

		@Override
		public boolean deliver(Envelope envelope) {
			this.ids.add(envelope.id());
			return true;
		}

		@Override
		public boolean replay(List<Envelope> messages, boolean gap) {
			this.replays.add(messages.stream().map(Envelope::id).toList());
			this.gap = gap;
			return Subscriber.super.replay(messages, gap);
		}

		@Override
		public int replayLimit() {
			return this.limit;
		}

	}

	@Test
	void aSubscriberThatRefusesOrFailsIsDroppedAndOthersKeepReceiving() {
		InMemoryBroker broker = broker(10);
		List<Long> healthy = new ArrayList<>();
		AtomicInteger refusals = new AtomicInteger();
		broker.subscribe("r", -1, (envelope) -> {
			refusals.incrementAndGet();
			return false;
		});
		broker.subscribe("r", -1, (envelope) -> {
			throw new IllegalStateException("boom");
		});
		broker.subscribe("r", -1, (envelope) -> healthy.add(envelope.id()));
		broker.publish("r", draft("1"));
		broker.publish("r", draft("2"));
		assertThat(refusals).hasValue(1);
		assertThat(healthy).containsExactly(1L, 2L);
		assertThat(broker.subscriberCount("r")).isEqualTo(1);
	}

	@Test
	void concurrentPublishersGetUniqueOrderedIdsAndEverySubscriberSeesAllInOrder() throws Exception {
		InMemoryBroker broker = broker(100_000);
		int threads = 6;
		int perThread = 5_000;
		int subscribers = 4;
		List<ConcurrentLinkedQueue<Long>> received = new ArrayList<>();
		for (int s = 0; s < subscribers; s++) {
			ConcurrentLinkedQueue<Long> queue = new ConcurrentLinkedQueue<>();
			received.add(queue);
			broker.subscribe("r", -1, (envelope) -> queue.add(envelope.id()));
		}
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<List<Long>>> results = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			results.add(pool.submit(() -> {
				start.await();
				List<Long> ids = new ArrayList<>(perThread);
				for (int i = 0; i < perThread; i++) {
					ids.add(broker.publish("r", new Draft("t" + thread, "m" + i, null)).id());
				}
				return ids;
			}));
		}
		start.countDown();
		List<Long> all = new ArrayList<>();
		for (Future<List<Long>> result : results) {
			List<Long> ids = result.get(60, TimeUnit.SECONDS);
			assertThat(ids).isSorted();
			all.addAll(ids);
		}
		pool.shutdown();
		int total = threads * perThread;
		assertThat(all).hasSize(total).doesNotHaveDuplicates();
		assertThat(Collections.max(all)).isEqualTo(total);
		List<Long> expected = new ArrayList<>();
		for (long id = 1; id <= total; id++) {
			expected.add(id);
		}
		for (ConcurrentLinkedQueue<Long> queue : received) {
			assertThat(new ArrayList<>(queue)).isEqualTo(expected);
		}
		assertThat(broker.read("r", 0, 1000).messages()).extracting(Envelope::id).isSorted().hasSize(1000);
	}

}
