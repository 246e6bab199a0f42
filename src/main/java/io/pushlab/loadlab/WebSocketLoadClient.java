package io.pushlab.loadlab;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WebSocket receiver speaking RFC 6455 itself: the opening handshake on
 * {@code /ws/chat?user=} under a name of its own (the {@code Sec-WebSocket-Accept} is
 * checked), then a masked {@code join} frame; it is connected when the {@code history}
 * reply arrives. Every {@code chat} frame is scanned as bytes for this run's messages
 * ({@code presence} frames only count as bytes); pings are answered, a close from the
 * server is answered and counted as an error, and so are error frames and a refused
 * handshake (with the answer's status and problem {@code detail} as the cause).
 */
final class WebSocketLoadClient extends NioConnection
		implements LoadClient, HttpResponseReader.Listener, WsCodec.Listener {

	/**
	 * Longest message accepted from the server (a presence list of 10,000 names fits).
	 */
	static final int MAX_MESSAGE = 4 * 1024 * 1024;

	private static final byte[] CHAT = "\"type\":\"chat\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] HISTORY = "\"type\":\"history\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] ERROR = "\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final String user;

	private final String key;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final HttpResponseReader reader = new HttpResponseReader(this);

	private final WsCodec.Decoder decoder = new WsCodec.Decoder(this, false, MAX_MESSAGE);

	private boolean open;

	private boolean closeSent;

	private ErrorAnswer refused;

	private volatile boolean stopped;

	WebSocketLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker, int index) {
		super(context.loops().next());
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
		this.user = context.tag() + "-" + index;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		this.key = WsCodec.key(random.nextLong(), random.nextLong());
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
		send(("GET /ws/chat?user=" + this.user + " HTTP/1.1\r\nHost: " + this.context.host()
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + this.key
				+ "\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
	}

	@Override
	protected void onBytes(byte[] bytes, int offset, int length) {
		try {
			if (this.open) {
				this.decoder.feed(bytes, offset, length);
				return;
			}
			int used = this.reader.feed(bytes, offset, length);
			if (this.open && used < length) {
				this.decoder.feed(bytes, offset + used, length - used);
			}
		}
		catch (WsCodec.ProtocolException ex) {
			sendFrame(WsCodec.CLOSE, WsCodec.closePayload(ex.closeCode, ""));
			failConnection(ex, Tracker.describe(ex));
		}
		catch (HttpResponseReader.MalformedResponseException ex) {
			failConnection(ex, Tracker.describe(ex));
		}
	}

	@Override
	public void headers(HttpResponseReader response) {
		if (response.status() != 101) {
			// read the body for its problem detail; complete() or the close fails the
			// client
			this.refused = new ErrorAnswer(response.status());
			return;
		}
		if (response.upgrade() == null || !response.upgrade().equalsIgnoreCase("websocket")
				|| !WsCodec.accept(this.key).equals(response.webSocketAccept())) {
			String why = "handshake answered 101 without a valid Upgrade or Sec-WebSocket-Accept";
			failConnection(new IllegalStateException(why), why);
			return;
		}
		this.open = true;
		sendFrame(WsCodec.TEXT,
				("{\"type\":\"join\",\"room\":\"" + this.context.room() + "\"}").getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void body(byte[] bytes, int offset, int length) {
		if (this.refused != null) {
			this.refused.body(bytes, offset, length);
		}
	}

	@Override
	public void complete(HttpResponseReader response) {
		if (this.refused != null) {
			refusedHandshake();
		}
	}

	private void refusedHandshake() {
		String why = this.refused.cause();
		failConnection(new IllegalStateException("handshake answered " + why), why);
	}

	@Override
	public void text(byte[] bytes, int offset, int length) {
		int end = offset + length;
		// the type comes first in PushLab's frames, but any order is read
		int scanTo = end;
		if (WireScan.indexOf(bytes, CHAT, offset, scanTo) >= 0) {
			this.receiver.receive(bytes, offset, end, length);
			return;
		}
		this.tracker.bytes.add(length);
		if (WireScan.indexOf(bytes, HISTORY, offset, scanTo) >= 0) {
			this.connected.complete(null);
		}
		else if (WireScan.indexOf(bytes, ERROR, offset, scanTo) >= 0) {
			this.tracker.error(errorFrame(bytes, offset, length));
		}
	}

	@Override
	public void ping(byte[] payload) {
		sendFrame(WsCodec.PONG, payload);
	}

	@Override
	public void close(int code, String reason) {
		if (!this.closeSent) {
			sendFrame(WsCodec.CLOSE, WsCodec.closePayload((code == 1005) ? 1000 : code, ""));
		}
		String why = "WebSocket closed by the server: " + code + (reason.isEmpty() ? "" : " " + Tracker.cut(reason));
		failConnection(new IllegalStateException(why), why);
	}

	@Override
	protected void onClosed(Throwable cause) {
		if (this.refused != null && cause == null && this.reader.endOfStream()) {
			return; // an error answer whose body ran until the close: complete() failed
					// it
		}
		if (this.refused != null) {
			refusedHandshake();
			return;
		}
		if (cause != null) {
			failConnection(cause, Tracker.describe(cause));
		}
		else {
			String why = "WebSocket connection ended by the server";
			failConnection(new IllegalStateException(why), why);
		}
	}

	private void failConnection(Throwable failure, String cause) {
		close();
		this.connected.completeExceptionally(failure);
		if (!this.stopped) {
			this.tracker.error(cause);
		}
		this.stopped = true;
	}

	/** An error frame as a cause: {@code WebSocket error <code> "<message>"}. */
	static String errorFrame(byte[] bytes, int offset, int length) {
		try {
			JsonNode frame = json.readTree(new String(bytes, offset, length, StandardCharsets.UTF_8));
			return "WebSocket error " + frame.path("code").asString("?") + " \""
					+ Tracker.cut(frame.path("message").asString("")) + "\"";
		}
		catch (RuntimeException ex) {
			return "WebSocket error frame";
		}
	}

	private void sendFrame(int opcode, byte[] payload) {
		if (opcode == WsCodec.CLOSE) {
			this.closeSent = true;
		}
		send(WsCodec.clientFrame(opcode, payload, ThreadLocalRandom.current().nextInt()));
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
		this.loop.execute(() -> {
			if (this.open && isConnected() && !this.closeSent) {
				sendFrame(WsCodec.CLOSE, WsCodec.closePayload(1000, "done"));
			}
			close();
		});
	}

}
