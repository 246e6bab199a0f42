package io.pushlab.warmup;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Draft;
import io.pushlab.hub.InMemoryBroker;
import io.pushlab.hub.Subscription;
import io.pushlab.loadlab.LoadLab;
import io.pushlab.loadlab.LoadLabOptions;
import io.pushlab.loadlab.RunResult;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.technique.Technique;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * Warms the JIT up once, right after start-up: the load lab's own clients drive SSE,
 * WebSocket and short polling over loopback, each in a room of its own with a random name
 * that is removed afterwards. Until it is done the {@code warmup} health component is
 * {@code OUT_OF_SERVICE} (so {@code /actuator/health} answers 503); the server serves
 * requests meanwhile. Its traffic is left out of {@code /api/stats} (not of the meters).
 * A failed warm-up is logged and ends the warm-up, never the application.
 */
public class StartupWarmup implements ApplicationRunner, HealthIndicator {

	private static final Log logger = LogFactory.getLog(StartupWarmup.class);

	/** How long the warm-up's rooms may take to lose their subscribers after the run. */
	private static final Duration DISCARD_WAIT = Duration.ofSeconds(10);

	/** The warm-up's techniques; long polling is left out (its queues outlive a run). */
	static final List<Technique> TECHNIQUES = List.of(Technique.WEBSOCKET, Technique.SSE, Technique.POLLING);

	/** Characters of a warm-up message's text. */
	static final int PAYLOAD = 100;

	private final ApplicationContext context;

	private final InMemoryBroker broker;

	private final TechniqueStats stats;

	private final PushLabProperties.Warmup settings;

	/** Room and user names of the load lab's clients stay within 32 characters. */
	private final String roomPrefix = "warmup-"
			+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));

	/** The warm-up's messages: {@link #PAYLOAD} characters, or fewer if texts must be. */
	private final int payload;

	private volatile boolean done;

	public StartupWarmup(ApplicationContext context, InMemoryBroker broker, TechniqueStats stats,
			PushLabProperties.Warmup settings, int maxTextLength) {
		this.context = context;
		this.broker = broker;
		this.stats = stats;
		this.settings = settings;
		// a shorter pushlab.max-text-length would refuse every warm-up message
		this.payload = Math.min(PAYLOAD, maxTextLength);
		// before the server takes its first request: /api/stats never shows the
		// warm-up's counts, not even while it runs
		stats.beginExcluding();
	}

	@Override
	public Health health() {
		return this.done ? Health.up().build() : Health.outOfService().withDetail("warmup", "running").build();
	}

	/**
	 * @return whether the warm-up has ended (done or failed)
	 */
	public boolean isDone() {
		return this.done;
	}

	/**
	 * @param technique a technique
	 * @return the room the warm-up uses for it
	 */
	String room(Technique technique) {
		return this.roomPrefix + "-" + technique.key();
	}

	@Override
	public void run(ApplicationArguments args) {
		if (!(this.context instanceof WebServerApplicationContext web) || web.getWebServer() == null
				|| web.getWebServer().getPort() <= 0) {
			this.stats.excludeSoFar();
			this.done = true;
			return;
		}
		long start = System.nanoTime();
		List<Subscription> held = new ArrayList<>();
		try {
			// the rooms are the server's own: created here, for no address, so its
			// loopback clients use rooms that exist and never meet a loopback share
			for (Technique technique : TECHNIQUES) {
				held.add(this.broker.subscribe(room(technique), -1, (envelope) -> true));
			}
			List<RunResult> runs = LoadLab.runInRooms(options(web.getWebServer().getPort()), this::room);
			long delivered = runs.stream().mapToLong(RunResult::delivered).sum();
			String summary = String.format(Locale.ROOT, "Warm-up: %d messages delivered over loopback in %.1f s",
					delivered, (System.nanoTime() - start) / 1e9);
			if (delivered > 0) {
				logger.info(summary);
			}
			else {
				logger.warn(summary + "; serving cold. Errors: "
						+ runs.stream()
							.flatMap((run) -> run.errorCauses().stream())
							.map(RunResult.ErrorCause::toString)
							.toList());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Warm-up failed, serving cold: " + ex);
		}
		finally {
			held.forEach(Subscription::close);
			discardRooms();
			this.stats.excludeSoFar();
			this.done = true;
		}
	}

	/** Removes the warm-up's rooms once the server has seen its clients go. */
	private void discardRooms() {
		long deadline = System.nanoTime() + DISCARD_WAIT.toNanos();
		for (Technique technique : TECHNIQUES) {
			for (int attempt = 1; !this.broker.discard(room(technique)); attempt++) {
				if (attempt % 25 == 0) {
					// a stream whose client has gone is noticed on its next write
					this.broker.publish(room(technique), new Draft("warmup", "bye", null));
				}
				if (System.nanoTime() > deadline) {
					logger.warn("Warm-up room " + room(technique) + " still has subscribers; left to idle eviction");
					break;
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private LoadLabOptions options(int port) {
		double rate = 100;
		return new LoadLabOptions(URI.create("http://127.0.0.1:" + port), TECHNIQUES, this.settings.clients(), rate,
				this.settings.messages(), 0, this.payload, Duration.ofMillis(200), Duration.ofSeconds(5),
				Duration.ofMillis(500), 100, Duration.ofSeconds(30), Path.of("."), 1, "warmup", false, 0);
	}

}
