package io.pushlab.loadlab;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A short-polling receiver: {@code GET /api/rooms/{room}/messages?after=} every poll
 * interval on one keep-alive connection, the cursor being the highest id received. The
 * first poll happens at a random moment of the first interval, so the clients spread
 * evenly over it. Each response is scanned as bytes for this run's messages.
 */
final class PollingLoadClient extends HttpExchangeConnection implements LoadClient {

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final String path;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final long interval;

	private long started;

	private volatile boolean stopped;

	PollingLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker) {
		super(context);
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
		this.path = "/api/rooms/" + context.room() + "/messages?limit=1000&after=";
		this.interval = context.options().pollInterval().toMillis();
	}

	@Override
	public CompletableFuture<Void> start() {
		long delay = ThreadLocalRandom.current().nextLong(Math.max(1, this.interval));
		this.loop.execute(() -> this.loop.schedule(this::poll, delay));
		return this.connected;
	}

	private void poll() {
		if (this.stopped || inFlight()) {
			return;
		}
		this.started = System.nanoTime();
		this.tracker.requests.increment();
		request(get(this.context, this.path + this.receiver.lastId()));
	}

	@Override
	protected void response(int status, byte[] body, int length) {
		if (status == 200) {
			this.receiver.receive(body, 0, length, length);
			this.connected.complete(null);
		}
		else {
			this.tracker.error(Tracker.httpCause(status, body, length));
		}
		next();
	}

	@Override
	protected void failed(Throwable cause) {
		if (!this.stopped) {
			this.tracker.error(Tracker.describe(cause));
		}
		next();
	}

	private void next() {
		if (this.stopped) {
			return;
		}
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.started);
		this.loop.schedule(this::poll, Math.max(0, this.interval - elapsed));
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
		this.loop.execute(this::shutdown);
	}

}
