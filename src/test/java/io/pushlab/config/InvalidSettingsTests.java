package io.pushlab.config;

import java.util.Map;

import io.pushlab.PushLabApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A duration that cannot work (a zero heartbeat, a negative timeout) stops the
 * application at start-up with a message that names the setting, rather than a stack
 * trace from deep inside a scheduler or a server that answers every long poll at once.
 */
class InvalidSettingsTests {

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "sse.heartbeat, 0s, must be positive", "sse.heartbeat, -1s, must be positive",
			"sse.write-timeout, 0s, must be positive", "sse.retry, -1s, must be 0 or more",
			"websocket.ping-interval, 0s, must be positive", "websocket.send-time-limit, 0s, must be positive",
			"websocket.pong-timeout, -5s, must be 0 or more", "long-polling.timeout, 0s, must be positive",
			"long-polling.timeout, -5s, must be positive", "long-polling.client-ttl, 0s, must be positive",
			"rooms.idle-ttl, 0s, must be positive", "redis.sync-interval, 0s, must be positive",
			"demo.drop-interval, -1s, must be 0 or more" })
	void aDurationThatCannotWorkIsRefusedNamingTheSetting(String setting, String value, String rule) {
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("pushlab." + setting, value)));
		assertThatThrownBy(() -> binder.bind("pushlab", PushLabProperties.class)).isInstanceOf(BindException.class)
			.rootCause()
			.hasMessageStartingWith("pushlab." + setting + " " + rule);
	}

	@ParameterizedTest(name = "rooms.max-per-address={0}")
	@CsvSource({ "0", "-1", "1001" })
	void aShareOfRoomsPerAddressOutsideOneToRoomsMaxIsRefusedNamingTheSetting(String value) {
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("pushlab.rooms.max-per-address", value)));
		assertThatThrownBy(() -> binder.bind("pushlab", PushLabProperties.class)).isInstanceOf(BindException.class)
			.rootCause()
			.hasMessage(
					"pushlab.rooms.max-per-address must be between 1 and pushlab.rooms.max (1000) (was " + value + ")");
	}

	@ParameterizedTest(name = "rooms.max={0}")
	@CsvSource({ "1000, 100", "20, 2", "5, 1", "1, 1" })
	void theShareOfRoomsPerAddressIsATenthOfTheRoomsUnlessSet(int max, int share) {
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("pushlab.rooms.max", max)));
		assertThat(binder.bind("pushlab", PushLabProperties.class).get().rooms().maxPerAddress()).isEqualTo(share);
		Binder set = new Binder(new MapConfigurationPropertySource(
				Map.of("pushlab.rooms.max", max, "pushlab.rooms.max-per-address", max)));
		assertThat(set.bind("pushlab", PushLabProperties.class).get().rooms().maxPerAddress()).isEqualTo(max);
	}

	@Test
	void zeroIsFineWhereItHasAMeaning() {
		Binder binder = new Binder(
				new MapConfigurationPropertySource(Map.of("pushlab.sse.timeout", "0s", "pushlab.websocket.pong-timeout",
						"0s", "pushlab.websocket.name-grace", "0s", "pushlab.sse.retry", "0s")));
		PushLabProperties properties = binder.bind("pushlab", PushLabProperties.class).get();
		assertThat(properties.sse().timeout()).isZero();
		assertThat(properties.websocket().nameGrace()).isZero();
	}

	@Test
	void theApplicationDoesNotStartAndSaysWhy() {
		assertThatThrownBy(() -> new SpringApplicationBuilder(PushLabApplication.class)
			.run("--server.port=0", "--pushlab.raw-websocket.port=0", "--pushlab.warmup.enabled=false",
					"--pushlab.sse.heartbeat=0s")
			.close()).rootCause().hasMessage("pushlab.sse.heartbeat must be positive (was PT0S)");
	}

}
