package io.pushlab.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.hub.Subscription;
import io.pushlab.technique.Technique;
import io.pushlab.stats.TechniqueStats;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The registry of open event streams: opens a stream on the hub (replay after the last
 * event id, then live), sends the heartbeat comment to every idle stream, and completes
 * every stream at shutdown so the server stops at once.
 */
@Component
public class SseStreams implements SmartLifecycle {

	private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();

	private final Broker broker;

	private final PushLabProperties properties;

	private final ExecutorService executor;

	private final TaskScheduler scheduler;

	private final TechniqueStats stats;

	private volatile boolean running;

	private ScheduledFuture<?> heartbeat;

	public SseStreams(Broker broker, PushLabProperties properties,
			@Qualifier("deliveryExecutor") ExecutorService executor, TaskScheduler scheduler, TechniqueStats stats) {
		this.broker = broker;
		this.properties = properties;
		this.executor = executor;
		this.scheduler = scheduler;
		this.stats = stats;
	}

	/**
	 * Opens a stream on the request: answers 200 with the event-stream headers and the
	 * {@code retry} field at once, puts the request in async mode, then replays and goes
	 * live. Frames are written to the servlet output stream by the delivery executor.
	 * @param room the room
	 * @param lastEventId replay the retained messages after this id first, or -1 for live
	 * only
	 * @param request the request
	 * @param response its response
	 * @throws IOException when the client is already gone
	 */
	void open(String room, long lastEventId, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		PushLabProperties.Sse sse = this.properties.sse();
		// a room the hub cannot create is refused (429) before the response is committed
		this.broker.admit(room);
		response.setStatus(HttpServletResponse.SC_OK);
		response.setHeader("Cache-Control", "no-cache, no-transform");
		response.setHeader("X-Accel-Buffering", "no");
		response.setContentType("text/event-stream");
		AsyncContext async = request.startAsync();
		async.setTimeout(sse.timeout().toMillis());
		ServletOutputStream out = response.getOutputStream();
		// the headers and the retry field go out now, on this thread, before any
		// delivery can write
		out.write(("retry: " + sse.retry().toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
		SseConnection connection = new SseConnection(room, async, out, this.properties.historySize() + sse.bufferSize(),
				this.executor, this.stats);
		this.stats.opened(Technique.SSE);
		this.open.add(connection);
		async.addListener(new AsyncListener() {

			@Override
			public void onComplete(AsyncEvent event) {
				connection.close();
			}

			@Override
			public void onTimeout(AsyncEvent event) {
				connection.complete();
			}

			@Override
			public void onError(AsyncEvent event) {
				connection.complete();
			}

			@Override
			public void onStartAsync(AsyncEvent event) {
			}

		});
		// from here on the stream is non-blocking: a client that stops reading costs a
		// bounded buffer, never a thread
		out.setWriteListener(connection);
		Subscription subscription = this.broker.subscribe(room, lastEventId, connection);
		connection.attach(subscription, () -> {
			if (this.open.remove(connection)) {
				this.stats.closed(Technique.SSE);
			}
		});
	}

	public boolean isShuttingDown() {
		return !this.running;
	}

	/**
	 * @return the number of open streams
	 */
	public int size() {
		return this.open.size();
	}

	/**
	 * @param room a room
	 * @return the number of open streams of the room
	 */
	public int size(String room) {
		return (int) this.open.stream().filter((connection) -> connection.room().equals(room)).count();
	}

	void heartbeat() {
		for (SseConnection connection : this.open) {
			connection.heartbeat();
		}
	}

	@Override
	public void start() {
		Duration period = this.properties.sse().heartbeat();
		this.heartbeat = this.scheduler.scheduleAtFixedRate(this::heartbeat, period);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.heartbeat != null) {
			this.heartbeat.cancel(false);
		}
		for (SseConnection connection : this.open) {
			connection.complete();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
