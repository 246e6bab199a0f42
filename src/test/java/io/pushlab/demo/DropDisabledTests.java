package io.pushlab.demo;

import java.net.http.HttpResponse;

import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code pushlab.demo.drop-enabled=false} the drill is answered 404 problem+json,
 * counted, and ends nothing.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.demo.drop-enabled=false")
@ActiveProfiles("test")
class DropDisabledTests {

	@LocalServerPort
	int port;

	@Test
	void theDrillIs404ProblemAndEndsNothing() throws Exception {
		Api api = new Api(this.port);
		api.publish("drill-off", "alice", "one");
		try (SseClient sse = SseClient.connect(api.uri("/api/rooms/drill-off/events"), "0")) {
			assertThat(sse.nextMessages(1, DropTests.WAIT)).hasSize(1);
			for (String scope : new String[] { "local", "cluster" }) {
				HttpResponse<String> response = api.post("/api/rooms/drill-off/drop?scope=" + scope, "");
				assertThat(response.statusCode()).isEqualTo(404);
				assertThat(response.headers().firstValue("Content-Type"))
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
				JsonNode problem = Api.parse(response.body());
				assertThat(problem.get("detail").asString()).startsWith("drop: ")
					.contains("pushlab.demo.drop-enabled=false");
			}
			JsonNode stats = api.getJson("/api/stats");
			assertThat(stats.get("rejected").get("drop_disabled").asLong()).isEqualTo(2);
			assertThat(stats.get("drops").asLong()).isZero();
			api.publish("drill-off", "alice", "two");
			assertThat(sse.nextMessages(1, DropTests.WAIT)).hasSize(1);
			assertThat(sse.ended()).isFalse();
		}
	}

}
