package io.pushlab.cluster;

import java.time.Clock;

import io.lettuce.core.ClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.MessageCodec;
import tools.jackson.databind.json.JsonMapper;

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
	 * The one thread that hands what pub/sub hears to local subscribers, in the order
	 * Redis published it, behind a queue of {@code pushlab.redis.fanout-capacity} tasks.
	 * @return the fan-out
	 */
	@Bean(destroyMethod = "shutdown")
	FanOut redisFanout(PushLabProperties properties, MeterRegistry registry) {
		return new FanOut(properties.redis().fanoutCapacity(), registry);
	}

	/**
	 * The broker; its sync only queues a task on the fan-out thread, so it may run on the
	 * shared scheduler.
	 */
	@Bean
	RedisBroker redisBroker(StringRedisTemplate redis, RedisKeys keys, PushLabProperties properties, MessageCodec codec,
			JsonMapper jsonMapper, Clock clock, FanOut fanout, TaskScheduler scheduler) {
		RedisRoomLog log = new RedisRoomLog(redis, keys, codec, jsonMapper, clock, properties.historySize(),
				properties.rooms().max(), properties.rooms().maxPerAddress(), properties.rooms().limitLoopback(),
				properties.rooms().idleTtl());
		return new RedisBroker(log, fanout, scheduler, properties.redis().syncInterval(), clock::millis);
	}

	/**
	 * This instance's heartbeat, on a thread of its own (it does Redis I/O).
	 */
	@Bean
	ClusterInstance clusterInstance(StringRedisTemplate redis, RedisKeys keys, PushLabProperties properties) {
		return new ClusterInstance(redis, keys, properties.redis().instanceTtl());
	}

	@Bean
	RedisPresence redisPresence(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance, FanOut fanout) {
		return new RedisPresence(redis, keys, instance, fanout);
	}

	@Bean
	RedisNameRegistry redisNameRegistry(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance,
			PushLabProperties properties) {
		return new RedisNameRegistry(redis, keys, instance, properties.websocket().nameGrace());
	}

	@Bean
	RedisPrivateChannel redisPrivateChannel(StringRedisTemplate redis, RedisKeys keys, RedisNameRegistry names,
			JsonMapper jsonMapper, FanOut fanout) {
		return new RedisPrivateChannel(redis, keys, names, jsonMapper, fanout);
	}

	/**
	 * Listens to the three channels (messages, presence, private). The listeners run on
	 * the pub/sub connection's thread and only hand what they hear to the bounded fan-out
	 * queue, in the order Redis published it (never blocking that thread). Lettuce
	 * reconnects and subscribes again by itself after Redis comes back, and the listeners
	 * hear of it.
	 * @return the container
	 */
	@Bean
	RedisMessageListenerContainer pushlabListenerContainer(RedisConnectionFactory connectionFactory, RedisKeys keys,
			RedisBroker broker, RedisPresence presence, RedisPrivateChannel privateChannel) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connectionFactory);
		container.setTaskExecutor(Runnable::run);
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
