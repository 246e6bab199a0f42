package io.pushlab.lab;

import java.util.Map;

import java.net.InetAddress;
import java.net.ServerSocket;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushlab.config.PushLabProperties;
import io.pushlab.stats.Rejections;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class RawWebSocketLifecycleTests {

	@Test
	void portZeroTurnsTheServerOff() {
		RawWebSocketLifecycle lifecycle = lifecycle(0);
		lifecycle.start();
		assertThat(lifecycle.isRunning()).isFalse();
		assertThat(lifecycle.port()).isZero();
		lifecycle.stop();
	}

	@Test
	void startsAndStops() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		RawWebSocketLifecycle lifecycle = lifecycle(port);
		lifecycle.start();
		try {
			assertThat(lifecycle.isRunning()).isTrue();
			assertThat(lifecycle.port()).isEqualTo(port);
		}
		finally {
			lifecycle.stop();
		}
		assertThat(lifecycle.isRunning()).isFalse();
		assertThat(lifecycle.port()).isZero();
	}

	@Test
	void aTakenPortLeavesTheServerOffAndSaysWhy() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			RawWebSocketLifecycle lifecycle = lifecycle(taken.getLocalPort());
			lifecycle.start();
			assertThat(lifecycle.isRunning()).isFalse();
			assertThat(lifecycle.port()).isZero();
			assertThat(lifecycle.offReason()).startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort());
			assertThat(lifecycle.isLoopbackOnly()).isTrue();
		}
	}

	private static RawWebSocketLifecycle lifecycle(int port) {
		PushLabProperties properties = LabApiControllerTests.properties(
				Map.of("pushlab.raw-websocket.port", String.valueOf(port), "pushlab.raw-websocket.max-message-bytes",
						"1024", "pushlab.raw-websocket.max-connections", "4", "pushlab.raw-websocket.max-header-bytes",
						"1024", "pushlab.raw-websocket.bind-address", "127.0.0.1"));
		return new RawWebSocketLifecycle(properties, JsonMapper.builder().build(),
				new Rejections(new SimpleMeterRegistry()));
	}

}
