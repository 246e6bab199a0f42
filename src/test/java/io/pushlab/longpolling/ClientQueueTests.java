package io.pushlab.longpolling;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.hub.Draft;
import io.pushlab.hub.Envelope;
import io.pushlab.hub.InMemoryBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's side of a long-polling queue only enqueues and signals: a parked request is
 * answered on the answer executor, never inside the publish, and what arrives before that
 * answer runs goes into it.
 */
class ClientQueueTests {

	private final InMemoryBroker broker = new InMemoryBroker(100, (message) -> "{\"id\":" + message.id() + "}",
			Clock.systemUTC());

	private final List<Runnable> answers = new ArrayList<>();

	private final List<ClientQueue.Batch> completed = new ArrayList<>();

	@Test
	void aPublishOnlySignalsAndTheAnswerBatchesWhatArrivedMeanwhile() {
		ClientQueue queue = new ClientQueue("client-1", "r", 100, 100, this.answers::add, 0);
		queue.start(this.broker, 0);
		assertThat(queue.poll(0, this.completed::add, true)).isNull();
		this.broker.publish("r", new Draft("a", "1", null));
		// nothing was answered inside the publish: one answer is waiting for a thread
		assertThat(this.completed).isEmpty();
		assertThat(this.answers).hasSize(1);
		this.broker.publish("r", new Draft("a", "2", null));
		this.broker.publish("r", new Draft("a", "3", null));
		assertThat(this.answers).hasSize(1);
		this.answers.remove(0).run();
		assertThat(this.completed).hasSize(1);
		assertThat(this.completed.get(0).messages()).extracting(Envelope::id).containsExactly(1L, 2L, 3L);
	}

	@Test
	void aParkedRequestIsHandedBackOnceItsTimeoutHasPassed() {
		ClientQueue queue = new ClientQueue("client-3", "r", 100, 100, this.answers::add, 0);
		queue.start(this.broker, 0);
		long parked = 1_000_000_000L;
		ClientQueue.Waiter waiter = this.completed::add;
		assertThat(queue.poll(0, waiter, true, parked + 150_000_000L)).isNull();
		assertThat(queue.expire(parked + 149_000_000L)).as("before its timeout").isNull();
		assertThat(queue.isParked()).isTrue();
		assertThat(queue.expire(parked + 150_000_000L)).isSameAs(waiter);
		assertThat(queue.isParked()).isFalse();
		assertThat(queue.expire(parked + 200_000_000L)).as("handed back once").isNull();
		// a request that is answered first is not handed back later
		assertThat(queue.poll(0, waiter, true, parked + 300_000_000L)).isNull();
		this.broker.publish("r", new Draft("a", "1", null));
		this.answers.remove(0).run();
		assertThat(this.completed).hasSize(1);
		assertThat(queue.expire(parked + 400_000_000L)).isNull();
		// without a timeout a parked request stays
		assertThat(queue.poll(1, waiter, true)).isNull();
		assertThat(queue.expire(Long.MAX_VALUE)).isNull();
		assertThat(queue.isParked()).isTrue();
	}

	@Test
	void theQueueIsPrimedFromTheRoomsLogWithItsGap() {
		InMemoryBroker small = new InMemoryBroker(2, (message) -> "{\"id\":" + message.id() + "}", Clock.systemUTC());
		for (int i = 1; i <= 5; i++) {
			small.publish("r", new Draft("a", "m" + i, null));
		}
		ClientQueue queue = new ClientQueue("client-2", "r", 100, 100, this.answers::add, 0);
		queue.start(small, 1);
		ClientQueue.Batch batch = queue.poll(1, this.completed::add, true);
		assertThat(batch.messages()).extracting(Envelope::id).containsExactly(4L, 5L);
		assertThat(batch.gap()).isTrue();
		// asking again from an older cursor rebuilds from the log, without duplicates;
		// the
		// queue kept no copy, so what the log no longer holds is a gap
		queue.start(small, 3);
		small.publish("r", new Draft("a", "m6", null));
		ClientQueue.Batch again = queue.poll(3, this.completed::add, true);
		assertThat(again.messages()).extracting(Envelope::id).containsExactly(5L, 6L);
		assertThat(again.gap()).isTrue();
		assertThat(queue.size()).isZero();
	}

}
