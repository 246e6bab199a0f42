package io.pushlab.support;

import java.util.ArrayList;
import java.util.List;

import io.pushlab.PushLabApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One PushLab instance in a test: a full application context on a random port with the
 * {@code test} profile, on the Redis broker. Several instances sharing one Redis are a
 * cluster.
 */
public final class Instance implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final Api api;

	private Instance(ConfigurableApplicationContext context) {
		this.context = context;
		this.api = new Api(port());
	}

	/**
	 * Starts an instance on Redis.
	 * @param redisPort the Redis server's port
	 * @param keyPrefix the key prefix, unique per test run
	 * @param extra more {@code --name=value} arguments
	 * @return the running instance
	 */
	public static Instance start(int redisPort, String keyPrefix, String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--pushlab.broker=redis",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
				"--pushlab.redis.key-prefix=" + keyPrefix, "--spring.jmx.enabled=false"));
		args.addAll(List.of(extra));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PushLabApplication.class).profiles("test")
			.run(args.toArray(String[]::new));
		return new Instance(context);
	}

	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	public Api api() {
		return this.api;
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public void close() {
		this.context.close();
	}

}
