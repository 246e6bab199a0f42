package io.pushlab.support;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long-polling client that re-polls in a loop on a thread of its own, keeping its
 * cursor, until it has received a number of messages: as a page does. Every response must
 * be 200 without {@code gap}, or 204.
 */
public final class LongPollReader implements AutoCloseable {

	private final ExecutorService thread = Executors.newSingleThreadExecutor();

	private final AtomicBoolean stop = new AtomicBoolean();

	private final Future<List<Long>> received;

	/**
	 * Starts reading.
	 * @param target the server to send request number {@code n} to (one, or alternating)
	 * @param room the room
	 * @param client the client id
	 * @param count how many messages to read
	 */
	public LongPollReader(IntFunction<Api> target, String room, String client, int count) {
		this.received = this.thread.submit(() -> {
			List<Long> ids = new ArrayList<>();
			long cursor = 0;
			int request = 0;
			while (ids.size() < count && !this.stop.get()) {
				HttpResponse<String> response = target.apply(request++)
					.get("/api/rooms/" + room + "/longpoll?client=" + client + "&after=" + cursor + "&timeout=2000");
				if (response.statusCode() == 200) {
					JsonNode page = Api.parse(response.body());
					assertThat(page.get("gap").asBoolean()).isFalse();
					for (JsonNode message : page.get("messages")) {
						ids.add(message.get("id").asLong());
						cursor = message.get("id").asLong();
					}
				}
				else {
					assertThat(response.statusCode()).isEqualTo(204);
				}
			}
			return ids;
		});
	}

	/**
	 * @param timeout how long to wait
	 * @return the ids received, in the order received
	 */
	public List<Long> await(Duration timeout) throws Exception {
		try {
			return this.received.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		finally {
			close();
		}
	}

	@Override
	public void close() {
		this.stop.set(true);
		this.thread.shutdownNow();
	}

}
