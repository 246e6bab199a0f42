package io.pushlab.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.pushlab.demo.DropSignal;
import io.pushlab.hub.BrokerUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The cluster-wide {@link DropSignal}: a drop is published on one Redis channel as
 * {@code <instance id>\n<room>}; every instance's listener hears it (on the fan-out
 * thread) and hands the room to its listeners, except on the instance that sent it, which
 * drops its own connections itself. Redis answers a publish with the number of
 * subscribers that received it: one per live instance, this one included.
 */
public class RedisDropSignal implements DropSignal, MessageListener {

	private static final Log logger = LogFactory.getLog(RedisDropSignal.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ClusterInstance instance;

	private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

	RedisDropSignal(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance) {
		this.redis = redis;
		this.keys = keys;
		this.instance = instance;
	}

	@Override
	public int broadcast(String room) {
		Long received;
		try {
			received = this.redis.convertAndSend(this.keys.dropChannel(), this.instance.id() + "\n" + room);
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; the room was not dropped", ex);
		}
		// this instance counts even if its own subscription is not up yet
		return (int) Math.max(1, (received != null) ? received : 0);
	}

	@Override
	public void addListener(Consumer<String> listener) {
		this.listeners.add(listener);
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		String body = new String(message.getBody(), StandardCharsets.UTF_8);
		int newline = body.indexOf('\n');
		if (newline < 0) {
			logger.warn("Ignoring a malformed drop message");
			return;
		}
		if (body.substring(0, newline).equals(this.instance.id())) {
			return;
		}
		String room = body.substring(newline + 1);
		for (Consumer<String> listener : this.listeners) {
			try {
				listener.accept(room);
			}
			catch (RuntimeException ex) {
				logger.warn("A drop listener failed", ex);
			}
		}
	}

}
