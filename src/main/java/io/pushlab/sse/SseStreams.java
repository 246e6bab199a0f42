package io.pushlab.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.hub.Subscription;
import io.pushlab.stats.Technique;
import io.pushlab.stats.TechniqueStats;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

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
	 * Opens a stream.
	 * @param room the room
	 * @param lastEventId replay the retained messages after this id first, or -1 for live
	 * only
	 * @return the emitter to return from the controller
	 */
	SseEmitter open(String room, long lastEventId) {
		PushLabProperties.Sse sse = this.properties.sse();
		SseEmitter emitter = new SseEmitter(sse.timeout().toMillis());
		SseConnection connection = new SseConnection(room, emitter, this.properties.historySize() + sse.bufferSize(),
				this.executor, this.stats);
		this.stats.opened(Technique.SSE);
		this.open.add(connection);
		emitter.onCompletion(connection::close);
		emitter.onTimeout(connection::close);
		emitter.onError((ex) -> connection.close());
		connection.sendRaw(("retry: " + sse.retry().toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII));
		Subscription subscription = this.broker.subscribe(room, lastEventId, connection);
		connection.attach(subscription, () -> {
			if (this.open.remove(connection)) {
				this.stats.closed(Technique.SSE);
			}
		});
		return emitter;
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
