package io.pushlab.loadlab;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

import io.pushlab.technique.Technique;

/**
 * One simulated receiver of one technique. It connects without blocking a thread, then
 * records every message it gets in its {@link Tracker.Receiver}; it never blocks the
 * caller and keeps no thread while it waits.
 */
interface LoadClient {

	/**
	 * Connects.
	 * @return completes when the receiver is subscribed (it will get every message
	 * published from then on), or exceptionally when it could not connect
	 */
	CompletableFuture<Void> start();

	/** Disconnects; later traffic is ignored. */
	void stop();

	/** What every client of a run shares. */
	record Context(HttpClient http, URI base, String room, String tag, LoadLabOptions options,
			ScheduledExecutorService timer) {

		URI uri(String pathAndQuery) {
			return URI.create(this.base + pathAndQuery);
		}

	}

	static LoadClient create(Technique technique, Context context, Tracker.Receiver receiver, Tracker tracker,
			int index) {
		return switch (technique) {
			case POLLING -> new PollingLoadClient(context, receiver, tracker);
			case LONGPOLLING -> new LongPollingLoadClient(context, receiver, tracker, index);
			case SSE -> new SseLoadClient(context, receiver, tracker);
			case WEBSOCKET -> new WebSocketLoadClient(context, receiver, tracker, index);
		};
	}

}
