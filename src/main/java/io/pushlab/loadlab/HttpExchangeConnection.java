package io.pushlab.loadlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A keep-alive HTTP/1.1 connection that makes one GET at a time and hands back each whole
 * response: what short and long polling need. It connects on the first request, reuses
 * the connection while the server keeps it ({@code Connection: close}, or a connection
 * the server ended while idle, makes the next request reconnect), and collects the body
 * (chunked or with a length) in a buffer of its own. Loop thread only.
 */
abstract class HttpExchangeConnection extends NioConnection implements HttpResponseReader.Listener {

	private final LoadClient.Context context;

	private final HttpResponseReader reader = new HttpResponseReader(this);

	private byte[] body = new byte[1024];

	private int bodyLength;

	private byte[] waiting;

	private boolean inFlight;

	HttpExchangeConnection(LoadClient.Context context) {
		super(context.loops().next());
		this.context = context;
	}

	/** A GET request's bytes, keep-alive. */
	static byte[] get(LoadClient.Context context, String pathAndQuery) {
		return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + context.host() + "\r\nAccept: application/json\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	/** Sends a request; the answer comes to {@link #response} or {@link #failed}. */
	final void request(byte[] request) {
		if (this.inFlight) {
			throw new IllegalStateException("one request at a time");
		}
		this.inFlight = true;
		this.reader.reset();
		this.bodyLength = 0;
		if (isConnected()) {
			send(request);
		}
		else {
			this.waiting = request;
			if (!isOpen()) {
				connect(this.context.address(), this.context.options().connectTimeout().toMillis());
			}
		}
	}

	/** True while a request waits for its response. */
	final boolean inFlight() {
		return this.inFlight;
	}

	@Override
	protected final void onConnected() {
		byte[] request = this.waiting;
		this.waiting = null;
		if (request != null) {
			send(request);
		}
	}

	@Override
	protected final void onBytes(byte[] bytes, int offset, int length) {
		if (!this.inFlight) {
			fail(new IOException("bytes without a request"));
			return;
		}
		this.reader.feed(bytes, offset, length);
	}

	@Override
	public final void headers(HttpResponseReader response) {
	}

	@Override
	public final void body(byte[] bytes, int offset, int length) {
		if (this.bodyLength + length > this.body.length) {
			this.body = Arrays.copyOf(this.body, Math.max(this.body.length * 2, this.bodyLength + length));
		}
		System.arraycopy(bytes, offset, this.body, this.bodyLength, length);
		this.bodyLength += length;
	}

	@Override
	public final void complete(HttpResponseReader response) {
		this.inFlight = false;
		if (response.closes()) {
			close();
		}
		response(response.status(), this.body, this.bodyLength);
	}

	@Override
	protected final void onClosed(Throwable cause) {
		if (!this.inFlight) {
			return; // an idle keep-alive connection the server ended: the next request
					// reconnects
		}
		if (cause == null && this.reader.endOfStream()) {
			return; // a body that ran until the close; complete() has answered
		}
		this.inFlight = false;
		this.waiting = null;
		failed((cause != null) ? cause : new IOException("connection closed before the response ended"));
	}

	/** Stops: closes the connection and forgets any request. */
	final void shutdown() {
		this.inFlight = false;
		this.waiting = null;
		close();
	}

	/**
	 * A whole response.
	 * @param status its status
	 * @param body its body; valid during the call only
	 * @param length bytes of the body
	 */
	protected abstract void response(int status, byte[] body, int length);

	/** The request failed: the connection broke or the response was not HTTP. */
	protected abstract void failed(Throwable cause);

}
