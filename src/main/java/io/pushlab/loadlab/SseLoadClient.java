package io.pushlab.loadlab;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A Server-Sent Events receiver: one {@code GET /api/rooms/{room}/events} kept open on
 * its own connection. It is connected when the response headers arrive (the server
 * subscribes the stream before it answers); the body (chunked or not) goes through an
 * {@link SseParser}, and each event's data is scanned as bytes for this run's messages. A
 * stream the server ends while the run still needs it counts as an error; so does an
 * error answer, whose status and problem {@code detail} become the error's cause.
 */
final class SseLoadClient extends NioConnection implements LoadClient, HttpResponseReader.Listener, SseParser.Listener {

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final HttpResponseReader reader = new HttpResponseReader(this);

	private final SseParser parser = new SseParser(this);

	private boolean streaming;

	private ErrorAnswer refused;

	private volatile boolean stopped;

	SseLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker) {
		super(context.loops().next());
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
	}

	@Override
	public CompletableFuture<Void> start() {
		this.loop.execute(() -> {
			if (!this.stopped) {
				this.tracker.requests.increment();
				connect(this.context.address(), this.context.options().connectTimeout().toMillis());
			}
		});
		return this.connected;
	}

	@Override
	protected void onConnected() {
		send(("GET /api/rooms/" + this.context.room() + "/events HTTP/1.1\r\nHost: " + this.context.host()
				+ "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
	}

	@Override
	protected void onBytes(byte[] bytes, int offset, int length) {
		this.reader.feed(bytes, offset, length);
	}

	@Override
	public void headers(HttpResponseReader response) {
		if (response.status() == 200) {
			this.streaming = true;
			this.connected.complete(null);
		}
		else {
			this.refused = new ErrorAnswer(response.status());
		}
	}

	@Override
	public void body(byte[] bytes, int offset, int length) {
		if (this.streaming) {
			this.tracker.bytes.add(length);
			this.parser.feed(bytes, offset, length);
		}
		else if (this.refused != null) {
			this.refused.body(bytes, offset, length);
		}
	}

	@Override
	public void event(String type, byte[] data, int length) {
		this.receiver.receive(data, 0, length, 0);
	}

	@Override
	public void complete(HttpResponseReader response) {
		ended(null);
	}

	@Override
	protected void onClosed(Throwable cause) {
		if (!this.reader.endOfStream()) {
			ended(cause);
		}
	}

	private void ended(Throwable cause) {
		close();
		String why = (this.refused != null) ? this.refused.cause()
				: (cause != null) ? Tracker.describe(cause) : "SSE stream ended by the server";
		this.connected.completeExceptionally((cause != null) ? cause : new IllegalStateException(why));
		if (!this.stopped) {
			// refused, or the server ended the stream while the run still needed it
			this.tracker.error(why);
		}
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
		this.loop.execute(this::close);
	}

}
