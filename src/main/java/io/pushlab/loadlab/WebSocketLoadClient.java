package io.pushlab.loadlab;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket receiver: {@code /ws/chat?user=} under a name of its own, joins the room
 * and is connected when the {@code history} reply arrives; then scans every {@code chat}
 * frame for this run's messages ({@code presence} frames only count as bytes).
 */
final class WebSocketLoadClient implements LoadClient, WebSocket.Listener {

	private final LoadClient.Context context;

	private final Tracker.Receiver receiver;

	private final Tracker tracker;

	private final String user;

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final StringBuilder partial = new StringBuilder();

	private volatile WebSocket socket;

	private volatile boolean stopped;

	WebSocketLoadClient(LoadClient.Context context, Tracker.Receiver receiver, Tracker tracker, int index) {
		this.context = context;
		this.receiver = receiver;
		this.tracker = tracker;
		this.user = context.tag() + "-" + index;
	}

	@Override
	public CompletableFuture<Void> start() {
		URI base = this.context.base();
		String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
		URI uri = URI
			.create(scheme + base.toString().substring(base.getScheme().length()) + "/ws/chat?user=" + this.user);
		this.tracker.requests.increment();
		this.context.http()
			.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(30))
			.buildAsync(uri, this)
			.whenComplete((ws, ex) -> {
				if (ex != null) {
					this.connected.completeExceptionally(ex);
				}
			});
		return this.connected;
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		this.socket = webSocket;
		webSocket.sendText("{\"type\":\"join\",\"room\":\"" + this.context.room() + "\"}", true);
		webSocket.request(1);
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		if (!last || this.partial.length() > 0) {
			this.partial.append(data);
			if (!last) {
				webSocket.request(1);
				return null;
			}
		}
		String frame;
		if (this.partial.length() > 0) {
			frame = this.partial.toString();
			this.partial.setLength(0);
		}
		else {
			frame = data.toString();
		}
		if (frame.contains("\"type\":\"chat\"")) {
			this.receiver.receive(frame, utf8Length(frame));
		}
		else {
			this.tracker.bytes.add(utf8Length(frame));
			if (frame.contains("\"type\":\"history\"")) {
				this.connected.complete(null);
			}
			else if (frame.contains("\"type\":\"error\"")) {
				this.tracker.errors.increment();
			}
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		if (!this.stopped) {
			this.tracker.errors.increment();
			this.connected.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
		}
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		if (!this.stopped) {
			this.tracker.errors.increment();
		}
		this.connected.completeExceptionally(error);
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.connected.completeExceptionally(new IllegalStateException("stopped"));
		WebSocket ws = this.socket;
		if (ws != null) {
			ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").whenComplete((w, ex) -> ws.abort());
		}
	}

	private static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c)) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
