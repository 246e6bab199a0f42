package io.pushlab.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.RoomOwners;

import org.springframework.stereotype.Component;

/**
 * The open SSE streams and WebSocket chat connections of each remote address, counted
 * together against {@code pushlab.connections.max-per-address} (loopback addresses only
 * with {@code pushlab.connections.limit-loopback}); each admitted connection holds a
 * {@link Lease} whose first release gives its place back. Thread-safe; an address without
 * connections has no entry.
 */
@Component
public class ConnectionsPerAddress {

	/** {@code pushlab.rejected} reason: the address holds {@code max-per-address}. */
	public static final String REASON = "connections_per_address";

	/**
	 * The {@code Retry-After} of a refusal, in seconds: a place frees only when one of
	 * the address's own connections closes, so this is a pause, not a promise.
	 */
	static final long RETRY_AFTER_SECONDS = 5;

	/** A connection that counts against no address: its release does nothing. */
	private static final Lease UNCOUNTED = () -> {
	};

	private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

	private final int max;

	private final boolean limitLoopback;

	public ConnectionsPerAddress(PushLabProperties properties) {
		this.max = properties.connections().maxPerAddress();
		this.limitLoopback = properties.connections().limitLoopback();
	}

	/**
	 * A place held by one open connection.
	 */
	public interface Lease {

		/** Gives the place back; only the first call counts. */
		void release();

	}

	/**
	 * Counts one more open connection of the address.
	 * @param address the client's remote address
	 * @return the lease to release, once, when the connection ends
	 * @throws TooManyRequestsException when the address already holds
	 * {@code max-per-address} (not counted in {@code pushlab.rejected} here)
	 */
	public Lease acquire(String address) {
		if (!counts(address)) {
			return UNCOUNTED;
		}
		boolean[] refused = { false };
		this.open.compute(address, (a, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.max) {
				refused[0] = true;
				return count;
			}
			return current + 1;
		});
		if (refused[0]) {
			throw refusal();
		}
		AtomicBoolean released = new AtomicBoolean();
		return () -> {
			if (released.compareAndSet(false, true)) {
				this.open.computeIfPresent(address, (a, count) -> (count > 1) ? count - 1 : null);
			}
		};
	}

	/**
	 * @param address the client's remote address
	 * @return whether one more connection of the address would be refused now
	 */
	public boolean isFull(String address) {
		return counts(address) && this.open.getOrDefault(address, 0) >= this.max;
	}

	/**
	 * @return the refusal of one connection past the bound, with the detail and
	 * {@code Retry-After} of the 429 answer (the detail is also a WebSocket close reason:
	 * under 123 bytes)
	 */
	public TooManyRequestsException refusal() {
		return new TooManyRequestsException(REASON,
				"connections: your address holds " + this.max
						+ " open streams and chat connections, the most one address may hold; close one first",
				RETRY_AFTER_SECONDS);
	}

	/**
	 * @param address a remote address
	 * @return the connections of the address counted now
	 */
	public int size(String address) {
		return this.open.getOrDefault(address, 0);
	}

	/**
	 * @return the connections counted now, of every address
	 */
	public int size() {
		return this.open.values().stream().mapToInt(Integer::intValue).sum();
	}

	private boolean counts(String address) {
		return RoomOwners.limited(address, this.limitLoopback) != null;
	}

}
