package io.pushlab.demo;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo controls' wiring: with the in-memory broker a cluster drop is a local one (the
 * Redis broker brings its own {@link DropSignal}).
 */
@Configuration(proxyBeanMethods = false)
public class DemoConfiguration {

	@Bean
	@ConditionalOnProperty(name = "pushlab.broker", havingValue = "memory", matchIfMissing = true)
	DropSignal localDropSignal() {
		return new DropSignal.Local();
	}

}
