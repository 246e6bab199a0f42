package io.pushlab.config;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import io.pushlab.hub.Broker;
import io.pushlab.stats.Evictions;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Removes idle rooms ({@code pushlab.rooms.idle-ttl}) through
 * {@link Broker#evictIdleRooms()} a few times per idle time (at least every 30 s), and
 * counts them in {@code pushlab.evicted{kind=rooms}}.
 */
@Component
public class RoomEviction implements SmartLifecycle {

	private final Broker broker;

	private final TaskScheduler scheduler;

	private final Evictions evictions;

	private final Duration period;

	private volatile ScheduledFuture<?> task;

	public RoomEviction(Broker broker, TaskScheduler scheduler, Evictions evictions, PushLabProperties properties) {
		this.broker = broker;
		this.scheduler = scheduler;
		this.evictions = evictions;
		long ttl = properties.rooms().idleTtl().toMillis();
		this.period = Duration.ofMillis(Math.max(50, Math.min(30_000, ttl / 4)));
	}

	void evict() {
		int evicted = this.broker.evictIdleRooms();
		for (int i = 0; i < evicted; i++) {
			this.evictions.evicted(Evictions.ROOMS);
		}
	}

	@Override
	public void start() {
		this.task = this.scheduler.scheduleWithFixedDelay(this::evict, this.period);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> task = this.task;
		this.task = null;
		if (task != null) {
			task.cancel(false);
		}
	}

	@Override
	public boolean isRunning() {
		return this.task != null;
	}

}
