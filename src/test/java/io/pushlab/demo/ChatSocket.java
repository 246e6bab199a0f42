package io.pushlab.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.pushlab.support.Api;
import tools.jackson.databind.JsonNode;

import static org.awaitility.Awaitility.await;

/**
 * A chat connection on {@code java.net.http.WebSocket} for the drill tests: records the
 * frames it receives and the close code the server sent.
 */
final class ChatSocket implements WebSocket.Listener, AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(20);

	private final List<JsonNode> frames = new CopyOnWriteArrayList<>();

	private final StringBuilder partial = new StringBuilder();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private volatile String closeReason;

	private volatile WebSocket socket;

	static ChatSocket connect(int port, String user) {
		ChatSocket listener = new ChatSocket();
		HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(WAIT)
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/chat?user=" + user), listener)
			.join();
		return listener;
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		this.socket = webSocket;
		webSocket.request(Long.MAX_VALUE);
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.frames.add(Api.parse(this.partial.toString()));
			this.partial.setLength(0);
		}
		return null;
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

	/** Joins a room and waits for its history frame. @return the history frame */
	JsonNode join(String room) {
		this.socket.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}", true).join();
		return awaitFrame((frame) -> "history".equals(frame.path("type").asString())
				&& room.equals(frame.path("room").asString()));
	}

	JsonNode awaitFrame(Predicate<JsonNode> match) {
		await().atMost(WAIT).until(() -> this.frames.stream().anyMatch(match));
		return this.frames.stream().filter(match).findFirst().orElseThrow();
	}

	/** Waits for a chat frame of the room with this id. */
	JsonNode awaitChat(String room, long id) {
		return awaitFrame((frame) -> "chat".equals(frame.path("type").asString())
				&& room.equals(frame.path("room").asString()) && frame.path("id").asLong() == id);
	}

	/** Waits until the server has closed the connection. @return its close code */
	int awaitClose() {
		return this.closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	String closeReason() {
		return this.closeReason;
	}

	@Override
	public void close() {
		if (this.socket != null && !this.socket.isOutputClosed()) {
			this.socket.abort();
		}
	}

}
