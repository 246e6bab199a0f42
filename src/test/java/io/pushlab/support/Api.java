package io.pushlab.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small client of PushLab's HTTP API for end-to-end tests, on the JDK
 * {@link HttpClient}.
 */
public final class Api {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String base;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	public Api(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	public String base() {
		return this.base;
	}

	public URI uri(String path) {
		return URI.create(this.base + path);
	}

	public HttpClient http() {
		return this.http;
	}

	public static JsonNode parse(String text) {
		return json.readTree(text);
	}

	public static String toJson(Object value) {
		return json.writeValueAsString(value);
	}

	/** POSTs a message; fails the test when it is not 201. */
	public JsonNode publish(String room, String from, String text) {
		HttpResponse<String> response = post("/api/rooms/" + room + "/messages",
				"{\"from\":" + toJson(from) + ",\"text\":" + toJson(text) + "}");
		if (response.statusCode() != 201) {
			throw new AssertionError("publish answered " + response.statusCode() + ": " + response.body());
		}
		return parse(response.body());
	}

	/**
	 * @param reason a refusal reason of {@code /api/stats} ({@code slow_consumer}, say)
	 * @return how many refusals {@code /api/stats} counts for it, 0 when none
	 */
	public long rejected(String reason) {
		return getJson("/api/stats").path("rejected").path(reason).asLong(0);
	}

	public HttpResponse<String> post(String path, String body) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	public HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build());
	}

	public HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** GETs JSON; fails the test unless 200. */
	public JsonNode getJson(String path) {
		HttpResponse<String> response = get(path);
		if (response.statusCode() != 200) {
			throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return parse(response.body());
	}

}
