package io.pushlab.loadlab;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A short-polling receiver: {@code GET /api/rooms/{room}/messages?after=} every poll
 * interval, the cursor being the highest id received. The first poll happens at a random
 * moment of the first interval, so the clients spread evenly over it.
 */
final class PollingLoadClient implements LoadClient {

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private volatile boolean stopped;

	PollingLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker) {
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
	}

	@Override
	public CompletableFuture<Void> start() {
		long interval = this.context.options().pollInterval().toMillis();
		long delay = ThreadLocalRandom.current().nextLong(Math.max(1, interval));
		this.context.timer().schedule(this::poll, delay, TimeUnit.MILLISECONDS);
		return this.connected;
	}

	private void poll() {
		if (this.stopped) {
			return;
		}
		long started = System.nanoTime();
		HttpRequest request = HttpRequest
			.newBuilder(this.context
				.uri("/api/rooms/" + this.context.room() + "/messages?limit=1000&after=" + this.receiver.lastId()))
			.timeout(Duration.ofSeconds(30))
			.GET()
			.build();
		this.tracker.requests.increment();
		this.context.http().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, ex) -> {
			if (ex == null && response.statusCode() == 200) {
				byte[] body = response.body();
				this.receiver.receive(new String(body, StandardCharsets.ISO_8859_1), body.length);
				this.connected.complete(null);
			}
			else {
				this.tracker.errors.increment();
			}
			long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			long next = Math.max(0, this.context.options().pollInterval().toMillis() - elapsed);
			if (!this.stopped) {
				this.context.timer().schedule(this::poll, next, TimeUnit.MILLISECONDS);
			}
		});
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
	}

}
