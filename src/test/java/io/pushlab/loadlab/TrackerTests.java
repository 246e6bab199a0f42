package io.pushlab.loadlab;

import java.nio.charset.StandardCharsets;
import java.util.List;

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

	@Test
	void errorsKeepTheirFirstDistinctCausesWithCounts() {
		Tracker tracker = new Tracker("t", 1);
		for (int i = 0; i < 3; i++) {
			tracker.error("HTTP 429");
		}
		for (int i = 0; i < Tracker.MAX_CAUSES + 2; i++) {
			tracker.error("cause " + i);
		}
		tracker.publishFailed("HTTP 503");

		assertThat(tracker.errors.sum()).isEqualTo(3 + Tracker.MAX_CAUSES + 2);
		List<RunResult.ErrorCause> causes = tracker.errorCauses();
		assertThat(causes).hasSize(Tracker.MAX_CAUSES + 1);
		assertThat(causes.get(0)).isEqualTo(new RunResult.ErrorCause("HTTP 429", 3));
		assertThat(causes.get(1)).isEqualTo(new RunResult.ErrorCause("cause 0", 1));
		// causes 4 to 6 and the publish failure came after the first five causes
		assertThat(causes.get(Tracker.MAX_CAUSES)).isEqualTo(new RunResult.ErrorCause(Tracker.OTHER, 4));
	}

	@Test
	void anHttpErrorAnswerKeepsItsStatusAndItsProblemDetailCut() {
		byte[] problem = ("{\"type\":\"about:blank\",\"status\":429,\"detail\":\"client: too\\nmany " + "x".repeat(300)
				+ "\"}")
			.getBytes(StandardCharsets.UTF_8);
		String cause = Tracker.httpCause(429, problem, problem.length);
		assertThat(cause).startsWith("HTTP 429 \"client: too many xxx").endsWith("…\"");
		assertThat(cause).hasSize("HTTP 429 \"".length() + Tracker.MAX_DETAIL + 1);

		byte[] html = "<html>no</html>".getBytes(StandardCharsets.UTF_8);
		assertThat(Tracker.httpCause(502, html, html.length)).isEqualTo("HTTP 502");
		assertThat(Tracker.httpCause(503, new byte[0], 0)).isEqualTo("HTTP 503");
		byte[] broken = "{\"detail\":".getBytes(StandardCharsets.UTF_8);
		assertThat(Tracker.httpCause(500, broken, broken.length)).isEqualTo("HTTP 500");
	}

	@Test
	void aFailureIsItsClassAndMessage() {
		assertThat(Tracker.describe(new java.net.ConnectException("Connection refused")))
			.isEqualTo("ConnectException: Connection refused");
		assertThat(Tracker.describe(new java.io.IOException())).isEqualTo("IOException");
	}

	@Test
	void aWebSocketErrorFrameIsItsCodeAndMessage() {
		byte[] frame = "{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\"}"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(WebSocketLoadClient.errorFrame(frame, 0, frame.length))
			.isEqualTo("WebSocket error rate_limited \"slow down\"");
		assertThat(WebSocketLoadClient.errorFrame(frame, 0, 5)).isEqualTo("WebSocket error frame");
	}

}
