package io.pushlab.loadlab;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import io.pushlab.technique.Technique;

/**
 * One simulated receiver of one technique: a thin NIO client of its own protocol
 * (HTTP/1.1, SSE or RFC 6455) on one of the run's selector threads. It connects without
 * blocking a thread, then records every message it gets in its {@link Tracker.Receiver};
 * it never blocks the caller and keeps no thread while it waits.
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

	/**
	 * What every client of a run shares.
	 *
	 * @param loops the selector threads
	 * @param address the server's socket address
	 * @param host the {@code Host} header
	 * @param room the run's room
	 * @param tag the run's nonce tag
	 * @param options the settings
	 */
	record Context(NioLoops loops, InetSocketAddress address, String host, String room, String tag,
			LoadLabOptions options) {
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
