package io.pushlab.hub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A stored message together with its JSON, serialized once when it is published.
 * Transports derive their own wire form from it once per message, never once per
 * subscriber, through {@link #encoded(Function)}. Immutable and thread-safe.
 */
public final class Envelope {

	private final Message message;

	private final String json;

	private volatile Map<Function<Envelope, ?>, Object> encodings;

	public Envelope(Message message, String json) {
		this.message = message;
		this.json = json;
	}

	public Message message() {
		return this.message;
	}

	public long id() {
		return this.message.id();
	}

	public String room() {
		return this.message.room();
	}

	/**
	 * The message as the contract's JSON object.
	 * @return the JSON text
	 */
	public String json() {
		return this.json;
	}

	/**
	 * The message encoded by {@code encoder}, computed at most about once per message and
	 * shared by every subscriber. Use a constant (a static field) as the encoder: it is
	 * the cache key.
	 * @param <T> the encoding's type
	 * @param encoder a pure function of the envelope
	 * @return the cached encoding
	 */
	@SuppressWarnings("unchecked")
	public <T> T encoded(Function<Envelope, T> encoder) {
		Map<Function<Envelope, ?>, Object> map = this.encodings;
		if (map == null) {
			synchronized (this) {
				map = this.encodings;
				if (map == null) {
					map = new ConcurrentHashMap<>(4);
					this.encodings = map;
				}
			}
		}
		Object value = map.get(encoder);
		if (value == null) {
			value = map.computeIfAbsent(encoder, (key) -> encoder.apply(this));
		}
		return (T) value;
	}

	@Override
	public String toString() {
		return this.json;
	}

}
