package io.pushlab.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Server-Sent Events client on the JDK {@link HttpClient}: it parses the stream
 * into events (id, event, data, comments) as they arrive, on a reader thread of its own.
 */
public final class SseClient implements AutoCloseable {

	/** One parsed event; {@code comment} is set for comment lines. */
	public record Event(String id, String event, String data, String retry, String comment) {
	}

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

	private final Thread reader;

	private volatile boolean ended;

	private SseClient(HttpResponse<InputStream> response) {
		this.response = response;
		this.reader = new Thread(this::read, "sse-client");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Connects.
	 * @param uri the stream's address
	 * @param lastEventId sent as {@code Last-Event-ID}, or {@code null}
	 * @return the client, connected (the response headers have arrived)
	 */
	public static SseClient connect(URI uri, String lastEventId) throws IOException, InterruptedException {
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		return new SseClient(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
	}

	public HttpResponse<InputStream> response() {
		return this.response;
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
			String id = null;
			String event = null;
			String retry = null;
			StringBuilder data = null;
			String line;
			while ((line = lines.readLine()) != null) {
				if (line.isEmpty()) {
					if (data != null || retry != null || id != null) {
						this.events.add(new Event(id, event, (data != null) ? data.toString() : null, retry, null));
					}
					id = null;
					event = null;
					retry = null;
					data = null;
				}
				else if (line.startsWith(":")) {
					this.events.add(new Event(null, null, null, null, line.substring(1).trim()));
				}
				else {
					int colon = line.indexOf(':');
					String field = (colon < 0) ? line : line.substring(0, colon);
					String value = (colon < 0) ? "" : line.substring(colon + 1);
					if (value.startsWith(" ")) {
						value = value.substring(1);
					}
					switch (field) {
						case "id" -> id = value;
						case "event" -> event = value;
						case "retry" -> retry = value;
						case "data" ->
							data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
						default -> {
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// closed
		}
		finally {
			this.ended = true;
		}
	}

	/**
	 * @return whether the server ended the stream (or it was closed)
	 */
	public boolean ended() {
		return this.ended;
	}

	/**
	 * Takes the next event, comments included.
	 * @param timeout how long to wait
	 * @return the event, or {@code null} when none came in time
	 */
	public Event next(Duration timeout) throws InterruptedException {
		return this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Takes the next {@code count} message events (data events), skipping comments and
	 * the retry announcement.
	 * @param count how many
	 * @param timeout how long to wait in all
	 * @return the events, fewer when they did not come in time
	 */
	public List<Event> nextMessages(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Event> messages = new ArrayList<>(count);
		while (messages.size() < count) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			Event event = this.events.poll(left, TimeUnit.NANOSECONDS);
			if (event != null && event.data() != null) {
				messages.add(event);
			}
		}
		return messages;
	}

	/**
	 * @return events received and not yet taken
	 */
	public List<Event> drain() {
		List<Event> all = new ArrayList<>();
		this.events.drainTo(all);
		return all;
	}

	@Override
	public void close() {
		try {
			this.response.body().close();
		}
		catch (IOException ex) {
			// already closed
		}
		this.reader.interrupt();
	}

}
