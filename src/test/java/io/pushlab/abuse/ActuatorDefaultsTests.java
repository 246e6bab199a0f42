package io.pushlab.abuse;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the shipped settings (no test profile), anyone on the app port sees the health
 * status only, and neither the meters nor the metrics endpoint.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.raw-websocket.port=0", "pushlab.warmup.enabled=false" })
class ActuatorDefaultsTests {

	@LocalServerPort
	int port;

	@Test
	void healthShowsOnlyItsStatusAndTheMetersAreNotPublic() {
		Api api = new Api(this.port);
		JsonNode health = api.getJson("/actuator/health");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.has("components")).isFalse();
		assertThat(health.has("details")).isFalse();
		assertThat(api.get("/actuator/prometheus").statusCode()).isEqualTo(404);
		assertThat(api.get("/actuator/metrics").statusCode()).isEqualTo(404);
		assertThat(api.get("/actuator/metrics/pushlab.rejected").statusCode()).isEqualTo(404);
	}

}
