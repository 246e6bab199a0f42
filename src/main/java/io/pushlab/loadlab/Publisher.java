package io.pushlab.loadlab;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one publisher of a run: POSTs {@code messages} messages at {@code rate} per second
 * on a schedule (late sends catch up, they are not skipped), each tagged with the nonce
 * {@code tag-seq}, and records the send time of each in the {@link Tracker} just before
 * it goes out. Requests are asynchronous, so a slow answer does not delay the schedule. A
 * failed publish's cause goes to {@link Tracker#publishFailed}.
 */
final class Publisher {

	/**
	 * Discards a 201's body (the message), keeps an error answer's (its problem detail).
	 */
	private static final HttpResponse.BodyHandler<byte[]> ERROR_BODY_ONLY = (info) -> (info.statusCode() == 201)
			? HttpResponse.BodySubscribers.replacing(new byte[0]) : HttpResponse.BodySubscribers.ofByteArray();

	private final HttpClient http;

	private final URI uri;

	private final String tag;

	private final String text;

	private final Tracker tracker;

	final AtomicInteger sent = new AtomicInteger();

	final AtomicInteger accepted = new AtomicInteger();

	final AtomicInteger failed = new AtomicInteger();

	Publisher(HttpClient http, URI base, String room, String tag, int payload, Tracker tracker) {
		this.http = http;
		this.uri = URI.create(base + "/api/rooms/" + room + "/messages");
		this.tag = tag;
		this.text = "x".repeat(payload);
		this.tracker = tracker;
	}

	/**
	 * Publishes the measured messages, blocking the calling thread for the duration of
	 * the schedule.
	 * @param rate messages per second
	 * @return completes when every publish has been answered
	 */
	CompletableFuture<Void> run(double rate) {
		return run(this.tracker.warmup(), this.tracker.messages(), rate);
	}

	/**
	 * Publishes {@code count} messages from sequence number {@code from}, blocking the
	 * calling thread for the duration of the schedule.
	 * @param from the first sequence number
	 * @param count how many
	 * @param rate messages per second
	 * @return completes when every publish has been answered
	 */
	CompletableFuture<Void> run(int from, int count, double rate) {
		CompletableFuture<?>[] answers = new CompletableFuture<?>[count];
		double periodNanos = 1_000_000_000d / rate;
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			long due = start + (long) (i * periodNanos);
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			answers[i] = publish(from + i);
		}
		return CompletableFuture.allOf(answers);
	}

	private CompletableFuture<?> publish(int seq) {
		String body = "{\"from\":\"loadlab\",\"text\":\"" + this.text + "\",\"nonce\":\"" + this.tag + "-" + seq
				+ "\"}";
		HttpRequest request = HttpRequest.newBuilder(this.uri)
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		this.tracker.published(seq, System.nanoTime());
		this.sent.incrementAndGet();
		return this.http.sendAsync(request, ERROR_BODY_ONLY).handle((response, ex) -> {
			if (ex == null && response.statusCode() == 201) {
				this.accepted.incrementAndGet();
			}
			else {
				this.failed.incrementAndGet();
				if (ex != null) {
					this.tracker.publishFailed(Tracker.describe((ex.getCause() != null) ? ex.getCause() : ex));
				}
				else {
					byte[] answer = response.body();
					this.tracker.publishFailed(Tracker.httpCause(response.statusCode(), answer, answer.length));
				}
			}
			return null;
		});
	}

}
