package io.pushlab.demo;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.pushlab.config.PushLabProperties;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.technique.Droppable;
import io.pushlab.technique.Technique;
import io.pushlab.web.TooManyRequestsException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The recovery drill: drops a room's open connections of every technique on this instance
 * (each {@link Droppable} ends its own), and, for a cluster drop, asks the other
 * instances through the {@link DropSignal} to do the same. Drops of one room are at least
 * {@code pushlab.demo.drop-interval} apart on one instance, and at most
 * {@link #MAX_ROOMS_PER_INTERVAL} rooms are dropped per interval. Drops asked for by
 * other instances run on a thread of their own, never on the pub/sub thread. Thread-safe.
 */
@Component
public class RoomDrops implements DisposableBean {

	private static final Log logger = LogFactory.getLog(RoomDrops.class);

	/** Distinct rooms one instance drops per interval, at most. */
	static final int MAX_ROOMS_PER_INTERVAL = 64;

	/** The {@code pushlab.rejected} reason of a drop refused by the rate limit. */
	static final String RATE_LIMITED = "drop_rate_limited";

	private final List<Droppable> techniques;

	private final DropSignal signal;

	private final TechniqueStats stats;

	private final PushLabProperties.Demo settings;

	/** When each room was last dropped here (System.nanoTime). */
	private final ConcurrentMap<String, Long> lastDrops = new ConcurrentHashMap<>();

	private final ExecutorService remoteDrops;

	public RoomDrops(List<Droppable> techniques, DropSignal signal, TechniqueStats stats,
			PushLabProperties properties) {
		this.techniques = List.copyOf(techniques);
		this.signal = signal;
		this.stats = stats;
		this.settings = properties.demo();
		ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
				(runnable) -> {
					Thread thread = new Thread(runnable, "pushlab-room-drops");
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.DiscardPolicy());
		pool.allowCoreThreadTimeOut(true);
		this.remoteDrops = pool;
		signal.addListener(this::droppedElsewhere);
	}

	/**
	 * @return whether the drill is served here ({@code pushlab.demo.drop-enabled})
	 */
	public boolean isEnabled() {
		return this.settings.dropEnabled();
	}

	/**
	 * Drops the room on this instance, within the rate limit.
	 * @param room a valid room name
	 * @return the connections ended, by technique (every technique with a
	 * {@link Droppable} is present)
	 * @throws TooManyRequestsException when the room was dropped less than the interval
	 * ago, or too many rooms were
	 */
	public Map<Technique, Integer> drop(String room) {
		admit(room);
		return dropHere(room);
	}

	/**
	 * Drops the room on every instance, within this instance's rate limit: first tells
	 * the others (nothing is dropped when they cannot be reached), then drops it here.
	 * @param room a valid room name
	 * @return the connections ended on this instance, and how many instances were told
	 */
	public ClusterDrop dropEverywhere(String room) {
		admit(room);
		int instances = this.signal.broadcast(room);
		return new ClusterDrop(dropHere(room), instances);
	}

	/**
	 * What a cluster drop did.
	 *
	 * @param here the connections ended on this instance, by technique
	 * @param instances the instances that received the drop, this one included
	 */
	public record ClusterDrop(Map<Technique, Integer> here, int instances) {
	}

	private Map<Technique, Integer> dropHere(String room) {
		Map<Technique, Integer> dropped = new EnumMap<>(Technique.class);
		for (Droppable technique : this.techniques) {
			dropped.merge(technique.technique(), technique.drop(room), Integer::sum);
		}
		this.stats.dropped(dropped);
		return dropped;
	}

	private void droppedElsewhere(String room) {
		if (!isEnabled()) {
			return;
		}
		this.remoteDrops.execute(() -> {
			try {
				dropHere(room);
			}
			catch (RuntimeException ex) {
				logger.warn("Dropping room " + room + " for another instance failed", ex);
			}
		});
	}

	private void admit(String room) {
		long interval = this.settings.dropInterval().toNanos();
		if (interval <= 0) {
			return;
		}
		long now = System.nanoTime();
		if (this.lastDrops.size() >= MAX_ROOMS_PER_INTERVAL) {
			this.lastDrops.values().removeIf((last) -> now - last >= interval);
		}
		long[] wait = { 0 };
		this.lastDrops.compute(room, (key, last) -> {
			if (last != null && now - last < interval) {
				wait[0] = interval - (now - last);
				return last;
			}
			if (last == null && this.lastDrops.size() >= MAX_ROOMS_PER_INTERVAL) {
				wait[0] = interval;
				return null;
			}
			return now;
		});
		if (wait[0] > 0) {
			long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait[0] + 999_999_999L));
			String detail = (this.lastDrops.containsKey(room))
					? "room: dropped less than " + this.settings.dropInterval().toMillis() + " ms ago; try again in "
							+ seconds + " s"
					: "room: " + MAX_ROOMS_PER_INTERVAL + " rooms dropped in the last "
							+ this.settings.dropInterval().toMillis() + " ms; try again in " + seconds + " s";
			throw new TooManyRequestsException(RATE_LIMITED, detail, seconds);
		}
	}

	@Override
	public void destroy() {
		this.remoteDrops.shutdownNow();
	}

}
