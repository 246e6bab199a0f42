package io.pushlab.warmup;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.hub.InMemoryBroker;
import io.pushlab.stats.TechniqueStats;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Adds the {@link StartupWarmup} to a servlet web application with the in-memory broker,
 * unless {@code pushlab.warmup.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(name = "pushlab.broker", havingValue = "memory", matchIfMissing = true)
class WarmupConfiguration {

	@Bean
	@ConditionalOnBooleanProperty(name = "pushlab.warmup.enabled", matchIfMissing = true)
	StartupWarmup warmup(ApplicationContext context, Broker broker, TechniqueStats stats,
			PushLabProperties properties) {
		return new StartupWarmup(context, (InMemoryBroker) broker, stats, properties.warmup(),
				properties.maxTextLength());
	}

}
