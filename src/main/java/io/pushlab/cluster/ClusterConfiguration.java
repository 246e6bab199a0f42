package io.pushlab.cluster;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.MessageCodec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.data.redis.health.DataRedisHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * With {@code pushlab.broker=redis}: the hub on Redis (the shared room log, the pub/sub
 * listener that feeds local subscribers, cluster-wide presence, names and private
 * messages, this instance's heartbeat), Redis in {@code /actuator/health}, and a Lettuce
 * client that fails fast while disconnected, so publishing answers 503 at once instead of
 * waiting.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "pushlab.broker", havingValue = "redis")
public class ClusterConfiguration {

	@Bean
	RedisKeys redisKeys(PushLabProperties properties) {
		return new RedisKeys(properties.redis().keyPrefix());
	}

	/**
	 * The one thread that hands messages heard on pub/sub to local subscribers, in the
	 * order Redis published them.
	 * @return the executor
	 */
	@Bean(destroyMethod = "shutdownNow")
	ExecutorService redisFanoutExecutor() {
		return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), (runnable) -> {
			Thread thread = new Thread(runnable, "pushlab-redis-fanout");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean
	RedisBroker redisBroker(StringRedisTemplate redis, RedisKeys keys, PushLabProperties properties, MessageCodec codec,
			JsonMapper jsonMapper, Clock clock, @Qualifier("redisFanoutExecutor") ExecutorService fanout,
			TaskScheduler scheduler) {
		RedisRoomLog log = new RedisRoomLog(redis, keys, codec, jsonMapper, clock, properties.historySize());
		return new RedisBroker(log, fanout, scheduler, properties.redis().syncInterval());
	}

	@Bean
	ClusterInstance clusterInstance(StringRedisTemplate redis, RedisKeys keys, PushLabProperties properties,
			TaskScheduler scheduler) {
		return new ClusterInstance(redis, keys, properties.redis().instanceTtl(), scheduler);
	}

	@Bean
	RedisPresence redisPresence(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance) {
		return new RedisPresence(redis, keys, instance);
	}

	@Bean
	RedisNameRegistry redisNameRegistry(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance,
			PushLabProperties properties) {
		return new RedisNameRegistry(redis, keys, instance, properties.websocket().nameGrace());
	}

	@Bean
	RedisPrivateChannel redisPrivateChannel(StringRedisTemplate redis, RedisKeys keys, RedisNameRegistry names,
			JsonMapper jsonMapper) {
		return new RedisPrivateChannel(redis, keys, names, jsonMapper);
	}

	/**
	 * Listens to the three channels (messages, presence, private) and hands what it hears
	 * to the fan-out thread, in the order Redis published it. Lettuce reconnects and
	 * subscribes again by itself after Redis comes back.
	 * @return the container
	 */
	@Bean
	RedisMessageListenerContainer pushlabListenerContainer(RedisConnectionFactory connectionFactory, RedisKeys keys,
			RedisBroker broker, RedisPresence presence, RedisPrivateChannel privateChannel,
			@Qualifier("redisFanoutExecutor") ExecutorService fanout) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connectionFactory);
		container.setTaskExecutor(fanout);
		container.setRecoveryBackoff(new FixedBackOff(1000, FixedBackOff.UNLIMITED_ATTEMPTS));
		container.addMessageListener(broker, ChannelTopic.of(keys.messagesChannel()));
		container.addMessageListener(presence, ChannelTopic.of(keys.presenceChannel()));
		container.addMessageListener(privateChannel, ChannelTopic.of(keys.privateChannel()));
		return container;
	}

	/**
	 * Commands fail at once while the connection is down (instead of queueing until the
	 * command timeout): publishing then answers 503 without delay.
	 * @return the customizer
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer pushlabRejectWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	/**
	 * Redis in {@code /actuator/health} (Spring Boot's own indicator, which
	 * {@code application.yml} turns off for the in-memory broker).
	 * @param connectionFactory the connection factory
	 * @return the indicator, named {@code redis}
	 */
	@Bean
	HealthIndicator redisHealthIndicator(RedisConnectionFactory connectionFactory) {
		return new DataRedisHealthIndicator(connectionFactory);
	}

}
