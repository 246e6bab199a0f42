package io.pushlab.websocket;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * A chat client on {@code java.net.http.WebSocket} for tests: records every frame it
 * receives (as JSON) and how the server closed it. A "browser" is an {@link HttpClient}
 * with its own cookies: clients opened from the same browser after {@link #browser} share
 * the HTTP session that owns their name.
 */
final class ChatClient implements WebSocket.Listener, AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final Duration WAIT = Duration.ofSeconds(20);

	private final List<JsonNode> frames = new CopyOnWriteArrayList<>();

	private final StringBuilder partial = new StringBuilder();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final boolean reading;

	private final AtomicInteger received = new AtomicInteger();

	private final AtomicInteger pings = new AtomicInteger();

	private volatile String closeReason;

	private volatile WebSocket socket;

	private ChatClient(boolean reading) {
		this.reading = reading;
	}

	/**
	 * A new cookie-keeping HTTP client that has loaded the chat page (so it has a
	 * session).
	 */
	static HttpClient browser(int port) {
		HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		try {
			HttpResponse<String> page = client.send(
					HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/websocket")).build(),
					HttpResponse.BodyHandlers.ofString());
			if (page.statusCode() != 200) {
				throw new IllegalStateException("GET /websocket answered " + page.statusCode());
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return client;
	}

	static ChatClient connect(int port, String user) {
		return connect(HttpClient.newHttpClient(), port, user, Map.of(), true);
	}

	static ChatClient connect(HttpClient client, int port, String user) {
		return connect(client, port, user, Map.of(), true);
	}

	/**
	 * @param reading false for a client that reads its first frame and then stops reading
	 */
	static ChatClient connect(HttpClient client, int port, String user, Map<String, String> headers, boolean reading) {
		ChatClient listener = new ChatClient(reading);
		WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(WAIT);
		headers.forEach(builder::header);
		builder.buildAsync(uri(port, user), listener).join();
		return listener;
	}

	/**
	 * @return the HTTP status of the refused handshake
	 * @throws AssertionError when the handshake succeeds
	 */
	static int refusedHandshake(int port, String user, Map<String, String> headers) {
		try {
			ChatClient client = connect(HttpClient.newHttpClient(), port, user, headers, true);
			client.close();
			throw new AssertionError("handshake was accepted");
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw ex;
		}
	}

	static URI uri(int port, String user) {
		return URI
			.create("ws://localhost:" + port + "/ws/chat?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		this.socket = webSocket;
		webSocket.request(1);
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.frames.add(JSON.readTree(this.partial.toString()));
			this.partial.setLength(0);
			this.received.incrementAndGet();
		}
		if (this.reading) {
			webSocket.request(1);
		}
		return null;
	}

	@Override
	public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
		this.pings.incrementAndGet();
		return WebSocket.Listener.super.onPing(webSocket, message);
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closeReason = reason;
		this.closed.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.complete(-1);
	}

	/** Sends a frame given as a JSON text, and waits until it is handed to the socket. */
	ChatClient send(String json) {
		this.socket.sendText(json, true).join();
		return this;
	}

	/** Sends a frame given as alternating keys and values. */
	ChatClient send(Object... keysAndValues) {
		Map<String, Object> frame = new java.util.LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			frame.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return send(JSON.writeValueAsString(frame));
	}

	ChatClient join(String room) {
		return send("type", "join", "room", room);
	}

	ChatClient chat(String room, String text, String nonce) {
		return send("type", "chat", "room", room, "text", text, "nonce", nonce);
	}

	/** Every frame received so far, oldest first. */
	List<JsonNode> frames() {
		return List.copyOf(this.frames);
	}

	List<JsonNode> frames(String type) {
		return this.frames.stream().filter((frame) -> type.equals(frame.path("type").asString())).toList();
	}

	/** Waits for a frame that matches, and returns the first one that does. */
	JsonNode awaitFrame(Predicate<JsonNode> match) {
		await().atMost(WAIT).until(() -> this.frames.stream().anyMatch(match));
		return this.frames.stream().filter(match).findFirst().orElseThrow();
	}

	/** Waits for the frame of a type with a nonce (an error, chat or private reply). */
	JsonNode awaitReply(String type, String nonce) {
		return awaitFrame((frame) -> type.equals(frame.path("type").asString())
				&& nonce.equals(frame.path("nonce").asString(null)));
	}

	/**
	 * Waits until the room's list, as the presence frames built it (a list, then
	 * {@code joined} and {@code left} deltas), is exactly these users.
	 */
	void awaitPresence(String room, String... users) {
		await().atMost(WAIT).until(() -> List.of(users).equals(presence(room)));
	}

	/**
	 * The room's list as the presence frames received so far build it: the newest
	 * {@code users} list, then every later delta; null before the first list.
	 */
	List<String> presence(String room) {
		java.util.TreeSet<String> listed = null;
		for (JsonNode frame : frames("presence")) {
			if (!room.equals(frame.path("room").asString())) {
				continue;
			}
			if (frame.has("users")) {
				listed = new java.util.TreeSet<>(io.pushlab.hub.Presence.ORDER);
				frame.path("users").valueStream().map(JsonNode::asString).forEach(listed::add);
			}
			else if (listed != null && frame.has("joined")) {
				listed.add(frame.path("joined").asString());
			}
			else if (listed != null && frame.has("left")) {
				listed.remove(frame.path("left").asString());
			}
		}
		return (listed != null) ? List.copyOf(listed) : null;
	}

	/** The count of the room's newest presence frame, or -1 before the first. */
	int presenceCount(String room) {
		int count = -1;
		for (JsonNode frame : frames("presence")) {
			if (room.equals(frame.path("room").asString())) {
				count = frame.path("count").asInt(-1);
			}
		}
		return count;
	}

	/** Waits until the server has closed the connection, and returns its close code. */
	int awaitClose() {
		return this.closed.orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	String closeReason() {
		return this.closeReason;
	}

	/** Starts reading again (a client that had stopped). */
	void resumeReading() {
		this.socket.request(Long.MAX_VALUE);
	}

	/** Pings received from the server (the client answers each with a pong). */
	int pings() {
		return this.pings.get();
	}

	int received() {
		return this.received.get();
	}

	WebSocket socket() {
		return this.socket;
	}

	/** Drops the TCP connection without a close handshake. */
	void abort() {
		this.socket.abort();
	}

	@Override
	public void close() {
		if (this.socket != null && !this.socket.isOutputClosed()) {
			this.socket.abort();
		}
	}

}
