package io.pushlab.warmup;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushlab.hub.Broker;
import io.pushlab.hub.InMemoryBroker;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up's rooms are the server's own: with a room share per address of 1 (a tenth
 * of {@code rooms.max=10}) its loopback clients still warm up all three techniques, none
 * refused by the loopback address's share, and they leave no room behind.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.warmup.enabled=true", "pushlab.warmup.clients=10", "pushlab.warmup.messages=10",
				"pushlab.rooms.max=10", "pushlab.rooms.limit-loopback=true" })
@ActiveProfiles("test")
class StartupWarmupRoomShareTests {

	@Autowired
	StartupWarmup warmup;

	@Autowired
	Broker broker;

	@Autowired
	MeterRegistry registry;

	@Test
	void theWarmUpIsNotRefusedByTheLoopbackAddressShare() {
		StartupWarmupTests.assertWarmedUp(this.warmup, this.registry);
		assertThat(this.registry.find("pushlab.rejected").tag("reason", "rooms_per_address").counter()).isNull();
		assertThat(((InMemoryBroker) this.broker).roomCount()).isZero();
	}

}
