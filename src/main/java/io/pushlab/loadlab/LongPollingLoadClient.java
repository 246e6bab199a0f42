package io.pushlab.loadlab;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A long-polling receiver: {@code GET /api/rooms/{room}/longpoll?client=&after=&timeout=}
 * in a loop, {@code after} being the highest id received. It connects with
 * {@code timeout=0}, which creates its queue on the server at once, so nothing published
 * afterwards is missed.
 */
final class LongPollingLoadClient implements LoadClient {

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final String clientId;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private volatile boolean stopped;

	private volatile CompletableFuture<?> inFlight;

	LongPollingLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker, int index) {
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
		this.clientId = context.tag() + "-c" + index;
	}

	@Override
	public CompletableFuture<Void> start() {
		poll(0);
		return this.connected;
	}

	private void poll(long timeout) {
		if (this.stopped) {
			return;
		}
		HttpRequest request = HttpRequest
			.newBuilder(this.context.uri("/api/rooms/" + this.context.room() + "/longpoll?client=" + this.clientId
					+ "&after=" + this.receiver.lastId() + "&timeout=" + timeout))
			.timeout(Duration.ofMillis(timeout + 30000))
			.GET()
			.build();
		this.tracker.requests.increment();
		long nextTimeout = this.context.options().longPollTimeout().toMillis();
		this.inFlight = this.context.http()
			.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
			.whenComplete((response, ex) -> {
				if (ex == null && (response.statusCode() == 200 || response.statusCode() == 204)) {
					byte[] body = response.body();
					if (body.length > 0) {
						this.receiver.receive(new String(body, StandardCharsets.ISO_8859_1), body.length);
					}
					this.connected.complete(null);
					poll(nextTimeout);
				}
				else {
					if (!this.stopped) {
						this.tracker.errors.increment();
					}
					this.context.timer().schedule(() -> poll(nextTimeout), 100, TimeUnit.MILLISECONDS);
				}
			});
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
		CompletableFuture<?> request = this.inFlight;
		if (request != null) {
			request.cancel(true);
		}
	}

}
