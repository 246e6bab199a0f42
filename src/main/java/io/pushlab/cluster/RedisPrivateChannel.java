package io.pushlab.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.NameRegistry;
import io.pushlab.hub.PrivateChannel;
import io.pushlab.hub.PrivateMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The cluster-wide {@link PrivateChannel}: a message to a user whose name is claimed
 * anywhere in the cluster is published on one Redis channel; every instance hands it to
 * its listeners (on the fan-out thread), which deliver it to their own connections of the
 * sender and addressee, in the order Redis published them. Nothing is stored, so nothing
 * could read a lost one back: a private message heard is never dropped for a full fan-out
 * queue ({@link FanOut#executeAlways}); one sent while a connection is down is not
 * delivered to it.
 */
public class RedisPrivateChannel implements PrivateChannel, MessageListener {

	private static final Log logger = LogFactory.getLog(RedisPrivateChannel.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final NameRegistry names;

	private final JsonMapper jsonMapper;

	private final FanOut fanout;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	RedisPrivateChannel(StringRedisTemplate redis, RedisKeys keys, NameRegistry names, JsonMapper jsonMapper,
			FanOut fanout) {
		this.redis = redis;
		this.keys = keys;
		this.names = names;
		this.jsonMapper = jsonMapper;
		this.fanout = fanout;
	}

	/**
	 * @throws BrokerUnavailableException when Redis is away
	 */
	@Override
	public boolean publish(PrivateMessage message) {
		if (!this.names.isClaimed(message.to())) {
			return false;
		}
		try {
			this.redis.convertAndSend(this.keys.privateChannel(), this.jsonMapper.writeValueAsString(message));
		}
		catch (DataAccessException ex) {
			throw new BrokerUnavailableException("Redis is unreachable; the private message was not sent", ex);
		}
		return true;
	}

	@Override
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Called on the pub/sub connection's thread; hands the message to the fan-out thread,
	 * whatever its queue holds (only a stopped fan-out refuses it).
	 */
	@Override
	public void onMessage(Message message, byte[] pattern) {
		byte[] body = message.getBody();
		if (!this.fanout.executeAlways("private", () -> deliver(body))) {
			logger.debug("Not delivering a private message: the Redis fan-out has stopped");
		}
	}

	private void deliver(byte[] body) {
		PrivateMessage privateMessage;
		try {
			privateMessage = this.jsonMapper.readValue(new String(body, StandardCharsets.UTF_8), PrivateMessage.class);
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring a malformed private message", ex);
			return;
		}
		for (Listener listener : this.listeners) {
			try {
				listener.deliver(privateMessage);
			}
			catch (RuntimeException ex) {
				logger.warn("A private-message listener failed", ex);
			}
		}
	}

}
