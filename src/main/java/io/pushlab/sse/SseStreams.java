package io.pushlab.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.hub.Subscription;
import io.pushlab.technique.Droppable;
import io.pushlab.technique.Technique;
import io.pushlab.stats.Rejections;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.web.ConnectionsPerAddress;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The registry of open event streams: opens a stream on the hub (replay after the last
 * event id, then live), sends the heartbeat comment to every idle stream, ends streams
 * whose write is stuck and lends the writer pool a thread for each, and completes every
 * stream at shutdown so the server stops at once.
 */
@Component
public class SseStreams implements SmartLifecycle, Droppable {

	private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();

	private final Broker broker;

	private final PushLabProperties properties;

	private final ExecutorService executor;

	private final TaskScheduler scheduler;

	private final TechniqueStats stats;

	private final Rejections rejections;

	private final ConnectionsPerAddress connections;

	/**
	 * The streams with a write in progress, open or already closed: a handful at a time
	 * (one per writer thread), so checking them often costs little.
	 */
	private final Set<SseConnection> writes = ConcurrentHashMap.newKeySet();

	/** How often the writes in progress are checked. */
	static final Duration WATCH_PERIOD = Duration.ofMillis(10);

	/** A write blocked this long gets a thread lent to the pool in its place. */
	static final Duration COMPENSATE_AFTER = Duration.ofMillis(10);

	/** Most threads lent to the pool in place of blocked writes. */
	static final int MAX_EXTRA_THREADS = 1024;

	private volatile boolean running;

	private ScheduledFuture<?> heartbeat;

	private ScheduledFuture<?> watchdog;

	public SseStreams(Broker broker, PushLabProperties properties,
			@Qualifier("deliveryExecutor") ExecutorService executor, TaskScheduler scheduler, TechniqueStats stats,
			Rejections rejections, ConnectionsPerAddress connections) {
		this.broker = broker;
		this.properties = properties;
		this.executor = executor;
		this.scheduler = scheduler;
		this.stats = stats;
		this.rejections = rejections;
		this.connections = connections;
	}

	/**
	 * Opens a stream: an {@link SseEmitter} whose first event is the {@code retry} field,
	 * subscribed to the room (replay after the last event id, then live). Until Spring
	 * MVC has started the async request the emitter keeps what is sent, in order.
	 * @param room the room
	 * @param lastEventId replay the retained messages after this id first, or -1 for live
	 * only
	 * @param retry the reconnect delay to announce
	 * @param address the client's remote address: the stream, and a room this creates,
	 * count against it
	 * @return the emitter, to return from the controller
	 * @throws io.pushlab.web.TooManyRequestsException when the address holds
	 * {@code pushlab.connections.max-per-address} open connections
	 * @throws IOException never in practice: nothing is written before the request is
	 * async
	 */
	SseEmitter open(String room, long lastEventId, Duration retry, String address) throws IOException {
		PushLabProperties.Sse sse = this.properties.sse();
		// one more stream than the address may hold is refused (429) before anything is
		// subscribed; from here on its place is given back on every way out, once
		ConnectionsPerAddress.Lease lease = this.connections.acquire(address);
		// 0: no timeout of its own; the stream lasts until the client leaves
		SseEmitter emitter = new SseEmitter(sse.timeout().toMillis());
		SseConnection connection = new SseConnection(room, emitter, this.properties.historySize() + sse.bufferSize(),
				this.executor, this.writes, this.stats, this.rejections);
		try {
			// a room the hub cannot create is refused (429) before the stream starts
			this.broker.admit(room, address);
			// the stream's lifetime is over: end it normally, the browser reconnects with
			// Last-Event-ID (without this Spring MVC would answer the timeout with an
			// error)
			emitter.onTimeout(connection::complete);
			// the client went away (a failed write, a reset): the container ends the
			// request
			emitter.onError((ex) -> connection.close());
			// however it ended: leave the room, forget the stream
			emitter.onCompletion(connection::close);
			emitter.send(Set
				.of(new DataWithMediaType(("retry: " + retry.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII),
						MediaType.TEXT_EVENT_STREAM)));
			this.stats.opened(Technique.SSE);
			this.open.add(connection);
			Subscription subscription = this.broker.subscribe(room, lastEventId, connection, address);
			connection.attach(subscription, () -> {
				lease.release();
				if (this.open.remove(connection)) {
					this.stats.closed(Technique.SSE);
				}
			});
			return emitter;
		}
		catch (IOException | RuntimeException ex) {
			// the stream is never served: nothing stays subscribed, counted or open
			lease.release();
			connection.close();
			if (this.open.remove(connection)) {
				this.stats.closed(Technique.SSE);
			}
			throw ex;
		}
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

	@Override
	public Technique technique() {
		return Technique.SSE;
	}

	/**
	 * Ends every open stream of the room (the recovery drill): each is completed as at
	 * shutdown, and the browser reconnects with {@code Last-Event-ID}.
	 * @param room a room
	 * @return the number of streams ended
	 */
	@Override
	public int drop(String room) {
		int dropped = 0;
		for (SseConnection connection : this.open) {
			if (connection.room().equals(room) && !connection.isClosed()) {
				connection.complete();
				dropped++;
			}
		}
		return dropped;
	}

	void heartbeat() {
		for (SseConnection connection : this.open) {
			connection.heartbeat();
		}
	}

	/**
	 * Keeps the writer pool's size at its setting plus one thread per write blocked for
	 * more than {@link #COMPENSATE_AFTER} (a client that stopped reading), so the other
	 * streams never wait for a stuck one; and ends each stream whose write has been
	 * blocked longer than {@code write-timeout}. A blocked thread comes back when the
	 * container's own write timeout fails its write.
	 * <p>
	 * It checks only the writes in progress (about one per writer thread), so it can run
	 * every {@link #WATCH_PERIOD} at little cost: a write that blocks holds its writer
	 * for about 20 ms at most before a thread is lent. Checked every 50 ms after 50 ms,
	 * each of 32 clients that stopped reading one after another held a writer 50-100 ms,
	 * and the healthy streams' p99 in {@code StuckClientsTests} reached 420-460 ms
	 * (134-220 ms now).
	 * <p>
	 * A write counts as blocked only while its thread is parked in the container's
	 * blocking write ({@link SseConnection#waitsForClient()}). A write that is only slow
	 * because the server is behind on CPU runs or waits for a core, and gets no thread:
	 * more threads on a saturated core made the healthy streams' p99 worse (5,000
	 * receivers, {@code docs/benchmarks.md}).
	 * <p>
	 * When every thread of the pool is in a blocked write, the streams waiting in the
	 * pool's queue get a thread each as well. Clients that stop reading usually do so
	 * together (the same messages fill the same buffers), so the writes queued behind a
	 * blocked one are often about to block too: one thread per blocked write would
	 * uncover them a few at a time, a watch period apart, with the healthy streams'
	 * writes queued among them. Once the queue is empty the pool shrinks back to one
	 * extra thread per blocked write.
	 */
	void watch() {
		long now = System.nanoTime();
		long limit = this.properties.sse().writeTimeout().toNanos();
		long compensate = Math.min(COMPENSATE_AFTER.toNanos(), limit / 2);
		int blocked = 0;
		// a closed stream whose write has not returned yet still holds its thread
		for (SseConnection connection : this.writes) {
			long blockedFor = connection.blockedFor(now);
			if (blockedFor > compensate && connection.waitsForClient()) {
				blocked++;
			}
			if (blockedFor > limit && !connection.isClosed()) {
				this.rejections.reject("slow_consumer");
				// its write returns when the container's own write timeout fails it
				connection.complete();
			}
		}
		if (this.executor instanceof ThreadPoolExecutor pool) {
			// every thread of the pool is in a blocked write: the queue does not move
			int waiting = (blocked > 0 && blocked >= pool.getCorePoolSize()) ? pool.getQueue().size() : 0;
			int threads = this.properties.delivery().threads() + Math.min(blocked + waiting, MAX_EXTRA_THREADS);
			if (threads > pool.getCorePoolSize()) {
				pool.setMaximumPoolSize(threads);
				pool.setCorePoolSize(threads);
			}
			else if (threads < pool.getCorePoolSize()) {
				pool.setCorePoolSize(threads);
				pool.setMaximumPoolSize(threads);
			}
		}
	}

	@Override
	public void start() {
		PushLabProperties.Sse sse = this.properties.sse();
		this.heartbeat = this.scheduler.scheduleAtFixedRate(this::heartbeat, sse.heartbeat());
		this.watchdog = this.scheduler.scheduleAtFixedRate(this::watch, WATCH_PERIOD);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.heartbeat != null) {
			this.heartbeat.cancel(false);
		}
		if (this.watchdog != null) {
			this.watchdog.cancel(false);
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
