package io.pushlab.stats;

import java.time.Duration;

import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/stats} and the Prometheus meters move as each technique is used by real
 * clients.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class StatsTests {

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry registry;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	private JsonNode stats(String technique) {
		return this.api.getJson("/api/stats").get("techniques").get(technique);
	}

	private static long delta(JsonNode before, JsonNode after, String field) {
		return after.get(field).asLong() - before.get(field).asLong();
	}

	@Test
	void theContractShapeHasTheFourTechniquesWithTheirFigures() {
		JsonNode techniques = this.api.getJson("/api/stats").get("techniques");
		for (String technique : new String[] { "polling", "longpolling", "sse", "websocket" }) {
			assertThat(techniques.has(technique)).as(technique).isTrue();
			for (String field : new String[] { "open", "requests", "delivered", "bytes" }) {
				assertThat(techniques.get(technique).get(field).isNumber()).as(technique + "." + field).isTrue();
			}
		}
	}

	@Test
	void refusalsAreCountedByReasonInStatsAndAsAMeter() {
		long before = rejected("invalid_input");
		assertThat(this.api.post("/api/rooms/stats-rejected/messages", "{\"from\": 5}").statusCode()).isEqualTo(400);
		assertThat(this.api.post("/api/rooms/stats-rejected/messages", "[]").statusCode()).isEqualTo(400);
		assertThat(rejected("invalid_input") - before).isEqualTo(2);
		assertThat(this.registry.get("pushlab.rejected").tag("reason", "invalid_input").counter().count())
			.isGreaterThanOrEqualTo(2);
	}

	private long rejected(String reason) {
		JsonNode rejected = this.api.getJson("/api/stats").get("rejected");
		assertThat(rejected.isObject()).isTrue();
		return rejected.has(reason) ? rejected.get(reason).asLong() : 0;
	}

	@Test
	void shortPollingCountsRequestsMessagesAndBytes() {
		this.api.publish("stats-polling", "alice", "one");
		this.api.publish("stats-polling", "alice", "two");
		JsonNode before = stats("polling");
		String body = this.api.get("/api/rooms/stats-polling/messages?after=0").body();
		this.api.get("/api/rooms/stats-polling/messages?after=2");
		JsonNode after = stats("polling");
		assertThat(delta(before, after, "requests")).isEqualTo(2);
		assertThat(delta(before, after, "delivered")).isEqualTo(2);
		assertThat(delta(before, after, "bytes")).isGreaterThanOrEqualTo(body.length());
		assertThat(after.get("open").asLong()).isZero();
	}

	@Test
	void longPollingCountsRequestsDeliveriesAndParkedRequests() {
		JsonNode before = stats("longpolling");
		this.api.get("/api/rooms/stats-lp/longpoll?client=stats-client&timeout=0");
		this.api.publish("stats-lp", "alice", "one");
		this.api.publish("stats-lp", "alice", "two");
		this.api.get("/api/rooms/stats-lp/longpoll?client=stats-client&after=0&timeout=1000");
		JsonNode after = stats("longpolling");
		assertThat(delta(before, after, "requests")).isEqualTo(2);
		assertThat(delta(before, after, "delivered")).isEqualTo(2);
		assertThat(delta(before, after, "bytes")).isPositive();
		var parked = this.api.http()
			.sendAsync(java.net.http.HttpRequest
				.newBuilder(this.api.uri("/api/rooms/stats-lp/longpoll?client=stats-client&after=2&timeout=20000"))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(10)).until(() -> stats("longpolling").get("open").asLong() >= 1);
		this.api.publish("stats-lp", "alice", "three");
		assertThat(parked.join().statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> stats("longpolling").get("open").asLong() == 0);
	}

	@Test
	void sseCountsOpenStreamsRequestsAndDeliveries() throws Exception {
		JsonNode before = stats("sse");
		try (SseClient client = SseClient.connect(this.api.uri("/api/rooms/stats-sse/events"), null)) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> stats("sse").get("open").asLong() == before.get("open").asLong() + 1);
			this.api.publish("stats-sse", "alice", "one");
			assertThat(client.nextMessages(1, Duration.ofSeconds(10))).hasSize(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> delta(before, stats("sse"), "delivered") == 1);
			JsonNode after = stats("sse");
			assertThat(delta(before, after, "requests")).isEqualTo(1);
			assertThat(delta(before, after, "bytes")).isPositive();
		}
	}

	@Test
	void prometheusExposesTheMetersTaggedByTechnique() {
		this.api.get("/api/rooms/stats-prom/messages");
		String scrape = this.api.get("/actuator/prometheus").body();
		for (String technique : new String[] { "polling", "longpolling", "sse", "websocket" }) {
			assertThat(scrape).contains("pushlab_requests_total{technique=\"" + technique + "\"}")
				.contains("pushlab_delivered_total{technique=\"" + technique + "\"}")
				.contains("pushlab_bytes_total{technique=\"" + technique + "\"}")
				.contains("pushlab_open{technique=\"" + technique + "\"}");
		}
		assertThat(scrape).containsPattern("pushlab_requests_total\\{technique=\"polling\"} [1-9]");
	}

}
