package io.pushlab.warmup;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With texts shorter than the warm-up's usual messages allowed, the warm-up still
 * delivers (its messages fit the limit), and no refusal of its own shows in
 * {@code /api/stats}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.warmup.enabled=true", "pushlab.warmup.clients=10", "pushlab.warmup.messages=10",
				"pushlab.max-text-length=20" })
@ActiveProfiles("test")
class StartupWarmupShortTextTests {

	@LocalServerPort
	int port;

	@Autowired
	StartupWarmup warmup;

	@Autowired
	MeterRegistry registry;

	@Test
	void theWarmUpFitsItsMessagesToTheTextLimit() {
		StartupWarmupTests.assertWarmedUp(this.warmup, this.registry);
		JsonNode stats = new Api(this.port).getJson("/api/stats");
		assertThat(stats.get("rejected").size()).as(stats.toString()).isZero();
	}

}
