package io.pushlab.warmup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushlab.hub.Broker;
import io.pushlab.hub.InMemoryBroker;
import io.pushlab.support.Api;
import io.pushlab.technique.Technique;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up runs before the context is ready, drives real connections, keeps
 * health out of service meanwhile while the API answers, and leaves no room and no count
 * in {@code /api/stats} behind.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.warmup.enabled=true", "pushlab.warmup.clients=20", "pushlab.warmup.messages=20" })
@ActiveProfiles("test")
class StartupWarmupTests {

	/** What the probe saw while the warm-up ran: "health 503", "page 200", ... */
	static final Set<String> seenDuringWarmup = ConcurrentHashMap.newKeySet();

	/** A request, delivery or byte counted in {@code /api/stats}. */
	static final Pattern COUNTED = Pattern.compile("\"(requests|delivered|bytes)\":[1-9]");

	@LocalServerPort
	int port;

	@Autowired
	StartupWarmup warmup;

	@Autowired
	Broker broker;

	@Autowired
	MeterRegistry registry;

	@Test
	void warmsUpOverRealConnections() {
		assertWarmedUp(this.warmup, this.registry);
	}

	/** The warm-up has ended and delivered messages on each of its techniques. */
	static void assertWarmedUp(StartupWarmup warmup, MeterRegistry registry) {
		assertThat(warmup.isDone()).isTrue();
		for (Technique technique : StartupWarmup.TECHNIQUES) {
			assertThat(registry.get("pushlab.delivered").tag("technique", technique.key()).functionCounter().count())
				.as(technique.key())
				.isGreaterThan(0);
		}
	}

	@Test
	void servesRequestsWhileHealthSaysOutOfService() {
		assertThat(seenDuringWarmup).contains("health 503", "page 200", "stats 200");
		assertThat(seenDuringWarmup).as("/api/stats while the warm-up ran")
			.noneMatch((seen) -> seen.startsWith("stats counted"));
		assertThat(new Api(this.port).get("/actuator/health").statusCode()).isEqualTo(200);
	}

	@Test
	void leavesNoRoomAndNoCountBehind() {
		InMemoryBroker memory = (InMemoryBroker) this.broker;
		for (Technique technique : StartupWarmup.TECHNIQUES) {
			assertThat(memory.holds(this.warmup.room(technique))).as(technique.key()).isFalse();
			assertThat(this.broker.lastId(this.warmup.room(technique))).as(technique.key()).isZero();
		}
		JsonNode stats = new Api(this.port).getJson("/api/stats");
		for (Technique technique : Technique.values()) {
			JsonNode figures = stats.get("techniques").get(technique.key());
			assertThat(figures.get("requests").asLong()).as(technique.key()).isZero();
			assertThat(figures.get("delivered").asLong()).as(technique.key()).isZero();
			assertThat(figures.get("bytes").asLong()).as(technique.key()).isZero();
		}
		assertThat(stats.get("rejected").size()).isZero();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Probe {

		/**
		 * Runs before the warm-up and asks the server for health and messages during it.
		 */
		@Bean
		@Order(0)
		ApplicationRunner probeDuringWarmup(WebServerApplicationContext context, StartupWarmup warmup) {
			return (args) -> {
				String base = "http://127.0.0.1:" + context.getWebServer().getPort();
				Thread thread = new Thread(() -> probe(base, warmup), "warmup-probe");
				thread.setDaemon(true);
				thread.start();
			};
		}

		private static void probe(String base, StartupWarmup warmup) {
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			while (!warmup.isDone()) {
				for (String path : new String[] { "/actuator/health", "/", "/api/stats" }) {
					try {
						HttpResponse<String> response = http.send(
								HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
								HttpResponse.BodyHandlers.ofString());
						if (!warmup.isDone()) {
							String kind = switch (path) {
								case "/" -> "page ";
								case "/api/stats" -> "stats ";
								default -> "health ";
							};
							seenDuringWarmup.add(kind + response.statusCode());
							if (path.equals("/api/stats") && COUNTED.matcher(response.body()).find()) {
								seenDuringWarmup.add("stats counted " + response.body());
							}
						}
					}
					catch (Exception ex) {
						seenDuringWarmup.add("failed " + ex);
					}
				}
			}
		}

	}

}
