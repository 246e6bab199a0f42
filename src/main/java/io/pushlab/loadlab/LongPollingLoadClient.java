package io.pushlab.loadlab;

import java.util.concurrent.CompletableFuture;

/**
 * A long-polling receiver: {@code GET /api/rooms/{room}/longpoll?client=&after=&timeout=}
 * in a loop on one keep-alive connection, {@code after} being the highest id received,
 * the next request sent as soon as an answer is read. It connects with {@code timeout=0},
 * which creates its queue on the server at once, so nothing published afterwards is
 * missed. After a failure it waits 100 ms and tries again, at most {@link #MAX_FAILURES}
 * times in a row.
 */
final class LongPollingLoadClient extends HttpExchangeConnection implements LoadClient {

	/** Consecutive failed requests after which the receiver gives up. */
	static final int MAX_FAILURES = 20;

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final String path;

	private final String timeoutQuery;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private int failures;

	private volatile boolean stopped;

	LongPollingLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker, int index) {
		super(context);
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
		this.path = "/api/rooms/" + context.room() + "/longpoll?client=" + context.tag() + "-c" + index + "&after=";
		this.timeoutQuery = "&timeout=" + context.options().longPollTimeout().toMillis();
	}

	@Override
	public CompletableFuture<Void> start() {
		this.loop.execute(() -> poll("&timeout=0"));
		return this.connected;
	}

	private void poll(String timeout) {
		if (this.stopped) {
			return;
		}
		this.tracker.requests.increment();
		request(get(this.context, this.path + this.receiver.lastId() + timeout));
	}

	@Override
	protected void response(int status, byte[] body, int length) {
		if (status == 200 || status == 204) {
			this.failures = 0;
			if (length > 0) {
				this.receiver.receive(body, 0, length, length);
			}
			this.connected.complete(null);
			poll(this.timeoutQuery);
		}
		else {
			retry(Tracker.httpCause(status, body, length));
		}
	}

	@Override
	protected void failed(Throwable cause) {
		retry(Tracker.describe(cause));
	}

	private void retry(String cause) {
		if (this.stopped) {
			return;
		}
		this.tracker.error(cause);
		if (++this.failures >= MAX_FAILURES) {
			this.connected.completeExceptionally(
					new IllegalStateException(this.failures + " failed requests, the last: " + cause));
			shutdown();
			return;
		}
		this.loop.schedule(() -> poll(this.timeoutQuery), 100);
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
		this.loop.execute(this::shutdown);
	}

}
