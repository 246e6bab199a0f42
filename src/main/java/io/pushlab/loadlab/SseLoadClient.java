package io.pushlab.loadlab;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A Server-Sent Events receiver: one {@code GET /api/rooms/{room}/events} kept open. It
 * is connected when the response headers arrive (the server subscribes the stream before
 * it answers); each event, up to its blank line, is scanned for this run's messages.
 */
final class SseLoadClient implements LoadClient, Flow.Subscriber<List<ByteBuffer>> {

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private volatile Flow.Subscription subscription;

	private volatile boolean stopped;

	private byte[] buffer = new byte[1024];

	private int length;

	SseLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker) {
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
	}

	@Override
	public CompletableFuture<Void> start() {
		HttpRequest request = HttpRequest.newBuilder(this.context.uri("/api/rooms/" + this.context.room() + "/events"))
			.header("Accept", "text/event-stream")
			.GET()
			.build();
		this.tracker.requests.increment();
		this.context.http().sendAsync(request, (info) -> {
			if (info.statusCode() == 200) {
				this.connected.complete(null);
				return HttpResponse.BodySubscribers.fromSubscriber(this);
			}
			this.connected.completeExceptionally(new IllegalStateException("events answered " + info.statusCode()));
			return HttpResponse.BodySubscribers.discarding();
		}).whenComplete((response, ex) -> {
			if (ex != null) {
				this.connected.completeExceptionally(ex);
			}
			if (!this.stopped) {
				// the server ended the stream while the run still needed it
				this.tracker.errors.increment();
			}
		});
		return this.connected;
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		if (this.stopped) {
			subscription.cancel();
		}
		else {
			subscription.request(Long.MAX_VALUE);
		}
	}

	@Override
	public void onNext(List<ByteBuffer> items) {
		for (ByteBuffer item : items) {
			int n = item.remaining();
			if (this.length + n > this.buffer.length) {
				this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.length + n));
			}
			item.get(this.buffer, this.length, n);
			this.length += n;
		}
		int start = 0;
		for (int i = 1; i < this.length; i++) {
			if (this.buffer[i] == '\n' && this.buffer[i - 1] == '\n') {
				int size = i + 1 - start;
				this.receiver.receive(new String(this.buffer, start, size, StandardCharsets.ISO_8859_1), size);
				start = i + 1;
			}
		}
		if (start > 0) {
			System.arraycopy(this.buffer, start, this.buffer, 0, this.length - start);
			this.length -= start;
		}
	}

	@Override
	public void onError(Throwable throwable) {
	}

	@Override
	public void onComplete() {
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
		Flow.Subscription s = this.subscription;
		if (s != null) {
			s.cancel();
		}
	}

}
