package io.pushlab.loadlab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrackerTests {

	private static String message(long id, int seq) {
		return "{\"id\":" + id + ",\"nonce\":\"t-" + seq + "\"}";
	}

	@Test
	void countsUniqueDuplicateAndOutOfOrderArrivalsPerReceiver() {
		Tracker tracker = new Tracker("t", 3);
		for (int seq = 0; seq < 3; seq++) {
			tracker.published(seq, System.nanoTime());
		}
		Tracker.Receiver a = tracker.receiver();
		Tracker.Receiver b = tracker.receiver();
		a.receive(message(1, 0) + message(2, 1), 10);
		a.receive(message(2, 1), 5);
		a.receive(message(3, 2), 5);
		b.receive(message(2, 1), 5);
		b.receive(message(1, 0), 5);

		assertThat(tracker.unique.sum()).isEqualTo(5);
		assertThat(tracker.duplicates.sum()).isEqualTo(1);
		assertThat(tracker.outOfOrder.sum()).isEqualTo(1);
		assertThat(tracker.bytes.sum()).isEqualTo(30);
		assertThat(tracker.latency().getTotalCount()).isEqualTo(5);
		assertThat(a.count()).isEqualTo(3);
		assertThat(a.lastId()).isEqualTo(3);
		assertThat(b.count()).isEqualTo(2);
	}

	@Test
	void warmupArrivalsMoveTheCursorButAreNeitherMeasuredNorDuplicates() {
		Tracker tracker = new Tracker("t", 2, 2);
		for (int seq = 0; seq < 4; seq++) {
			tracker.published(seq, System.nanoTime());
		}
		Tracker.Receiver a = tracker.receiver();
		a.receive(message(1, 0) + message(2, 1), 10);
		a.receive(message(2, 1), 5);

		assertThat(tracker.warmupDelivered.sum()).isEqualTo(2);
		assertThat(tracker.unique.sum()).isZero();
		assertThat(tracker.duplicates.sum()).isZero();
		assertThat(tracker.latency().getTotalCount()).isZero();
		assertThat(a.lastId()).isEqualTo(2);

		a.receive(message(3, 2) + message(4, 3) + message(4, 3), 15);

		assertThat(tracker.unique.sum()).isEqualTo(2);
		assertThat(tracker.duplicates.sum()).isEqualTo(1);
		assertThat(tracker.latency().getTotalCount()).isEqualTo(2);
		assertThat(a.count()).isEqualTo(2);
		assertThat(a.lastId()).isEqualTo(4);
	}

}
