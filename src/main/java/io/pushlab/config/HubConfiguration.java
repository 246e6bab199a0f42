package io.pushlab.config;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushlab.hub.Broker;
import io.pushlab.hub.InMemoryBroker;
import io.pushlab.hub.InMemoryNameRegistry;
import io.pushlab.hub.InMemoryPresence;
import io.pushlab.hub.InMemoryPrivateChannel;
import io.pushlab.hub.MessageCodec;
import io.pushlab.hub.MessageRules;
import io.pushlab.hub.NameRegistry;
import io.pushlab.hub.Presence;
import io.pushlab.hub.PrivateChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Wires the hub: the broker, presence, name registry and private channel (in memory
 * unless {@code pushlab.broker=redis}), the message codec, the rules, and the executor
 * that writes to connections.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(PushLabProperties.class)
public class HubConfiguration {

	private static final Log logger = LogFactory.getLog(HubConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	MessageCodec messageCodec(JsonMapper jsonMapper) {
		return jsonMapper::writeValueAsString;
	}

	@Bean
	MessageRules messageRules(PushLabProperties properties) {
		return new MessageRules(properties.maxTextLength());
	}

	@Bean
	@ConditionalOnProperty(name = "pushlab.broker", havingValue = "memory", matchIfMissing = true)
	Broker inMemoryBroker(PushLabProperties properties, MessageCodec codec, Clock clock) {
		long historyBytes = properties.roomHistoryBytes(Runtime.getRuntime().maxMemory());
		if (historyBytes < properties.historyBytes()) {
			logger
				.info("Each room's history holds at most " + historyBytes + " bytes (pushlab.history-bytes lowered so "
						+ properties.rooms().max() + " rooms hold at most an eighth of the heap)");
		}
		return new InMemoryBroker(properties.historySize(), historyBytes, codec, clock, properties.rooms().max(),
				properties.rooms().maxPerAddress(), properties.rooms().limitLoopback(), properties.rooms().idleTtl());
	}

	@Bean
	@ConditionalOnProperty(name = "pushlab.broker", havingValue = "memory", matchIfMissing = true)
	Presence inMemoryPresence() {
		return new InMemoryPresence();
	}

	@Bean
	@ConditionalOnProperty(name = "pushlab.broker", havingValue = "memory", matchIfMissing = true)
	NameRegistry inMemoryNameRegistry(PushLabProperties properties) {
		return new InMemoryNameRegistry(properties.websocket().nameGrace(), System::nanoTime);
	}

	@Bean
	@ConditionalOnProperty(name = "pushlab.broker", havingValue = "memory", matchIfMissing = true)
	PrivateChannel inMemoryPrivateChannel(NameRegistry names) {
		return new InMemoryPrivateChannel(names);
	}

	/**
	 * The writers of SSE connections. Each connection writes in order through its own
	 * queue; this pool only lends threads for the writes.
	 * @param properties the settings
	 * @return the executor
	 */
	@Bean(destroyMethod = "shutdown")
	ExecutorService deliveryExecutor(PushLabProperties properties) {
		return deliveryPool(properties, "pushlab-delivery-");
	}

	private static ExecutorService deliveryPool(PushLabProperties properties, String prefix) {
		if (properties.delivery().virtualThreads()) {
			try {
				ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
					.invoke(null);
				logger.info("Delivering on virtual threads");
				return virtual;
			}
			catch (ReflectiveOperationException ex) {
				logger.warn("pushlab.delivery.virtual-threads needs Java 21+; using platform threads");
			}
		}
		int threads = properties.delivery().threads();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), namedDaemonThreads(prefix));
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private static ThreadFactory namedDaemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
