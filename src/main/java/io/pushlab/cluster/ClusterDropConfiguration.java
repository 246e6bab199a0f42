package io.pushlab.cluster;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * With {@code pushlab.broker=redis}: the recovery drill's cluster-wide drop, a control
 * channel heard by every instance on the listener container of
 * {@link ClusterConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "pushlab.broker", havingValue = "redis")
public class ClusterDropConfiguration {

	@Bean
	RedisDropSignal redisDropSignal(StringRedisTemplate redis, RedisKeys keys, ClusterInstance instance,
			@Qualifier("pushlabListenerContainer") RedisMessageListenerContainer container) {
		RedisDropSignal signal = new RedisDropSignal(redis, keys, instance);
		container.addMessageListener(signal, ChannelTopic.of(keys.dropChannel()));
		return signal;
	}

}
