package io.pushlab.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.pushlab.support.Api;
import io.pushlab.support.Instance;
import io.pushlab.support.RedisServer;
import io.pushlab.support.SseClient;
import io.pushlab.support.SseClient.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away under two running instances, then comes back: publishing answers 503
 * meanwhile, open streams stay open, health says so, and everything resumes without
 * restarting anything. An instance that restarts rejoins by itself.
 */
class RedisFaultTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	RedisServer redis;

	String prefix;

	Instance a;

	Instance b;

	@BeforeEach
	void startCluster() {
		this.redis = RedisServer.start();
		this.prefix = "pushlab-fault-" + UUID.randomUUID() + ":";
		this.a = Instance.start(this.redis.port(), this.prefix, "--pushlab.sse.heartbeat=300ms",
				"--pushlab.redis.sync-interval=200ms");
		this.b = Instance.start(this.redis.port(), this.prefix, "--pushlab.sse.heartbeat=300ms",
				"--pushlab.redis.sync-interval=200ms");
	}

	@AfterEach
	void stopCluster() {
		for (AutoCloseable closeable : new AutoCloseable[] { this.b, this.a, this.redis }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// best effort
			}
		}
	}

	private static HttpResponse<String> tryPublish(Api api, String room, String text) {
		return api.post("/api/rooms/" + room + "/messages", "{\"from\":\"alice\",\"text\":\"" + text + "\"}");
	}

	@Test
	void whileRedisIsDownPublishingAnswers503AndEverythingResumesWhenItIsBack() throws Exception {
		String room = "fault-resume";
		try (SseClient onB = SseClient.connect(this.b.api().uri("/api/rooms/" + room + "/events"), null)) {
			assertThat(this.a.api().publish(room, "alice", "before").get("id").asLong()).isEqualTo(1);
			assertThat(onB.nextMessages(1, WAIT)).hasSize(1);
			assertThat(this.a.api().getJson("/actuator/health").get("components").get("redis").get("status").asString())
				.isEqualTo("UP");

			this.redis.stop();

			HttpResponse<String> refused = tryPublish(this.a.api(), room, "while down");
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			JsonNode problem = Api.parse(refused.body());
			assertThat(problem.get("status").asInt()).isEqualTo(503);
			assertThat(problem.get("detail").asString()).startsWith("broker:");
			assertThat(tryPublish(this.b.api(), room, "while down").statusCode()).isEqualTo(503);
			assertThat(this.b.api().get("/api/rooms/" + room + "/messages").statusCode()).isEqualTo(503);

			HttpResponse<String> health = this.a.api().get("/actuator/health");
			assertThat(health.statusCode()).isEqualTo(503);
			assertThat(Api.parse(health.body()).get("components").get("redis").get("status").asString())
				.isEqualTo("DOWN");

			// the open stream stays up: heartbeats keep coming, nothing ends it
			Event heartbeat = onB.next(WAIT);
			assertThat(heartbeat).isNotNull();
			assertThat(heartbeat.comment()).isEqualTo("keep-alive");
			assertThat(onB.ended()).isFalse();

			this.redis.restart();

			await().atMost(WAIT)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> tryPublish(this.a.api(), room, "back").statusCode() == 201);
			List<Event> delivered = onB.nextMessages(1, WAIT);
			assertThat(delivered).hasSize(1);
			JsonNode message = Api.parse(delivered.get(0).data());
			assertThat(message.get("id").asLong()).isEqualTo(2);
			assertThat(message.get("text").asString()).isEqualTo("back");
			assertThat(onB.ended()).isFalse();

			// and a message published on B reaches B's own stream as well
			this.b.api().publish(room, "bob", "again");
			assertThat(Api.parse(onB.nextMessages(1, WAIT).get(0).data()).get("id").asLong()).isEqualTo(3);
			await().atMost(WAIT)
				.until(() -> this.a.api().get("/actuator/health").statusCode() == 200
						&& this.b.api().get("/actuator/health").statusCode() == 200);
		}
	}

	@Test
	void anInstanceThatRestartsRejoinsWithoutManualSteps() throws Exception {
		String room = "fault-rejoin";
		this.a.api().publish(room, "alice", "one");
		this.b.close();
		this.a.api().publish(room, "alice", "two while B is away");
		this.b = Instance.start(this.redis.port(), this.prefix);
		try (SseClient onB = SseClient.connect(this.b.api().uri("/api/rooms/" + room + "/events"), "0")) {
			List<Event> replay = onB.nextMessages(2, WAIT);
			assertThat(replay).extracting(Event::id).containsExactly("1", "2");
			this.a.api().publish(room, "alice", "three");
			assertThat(onB.nextMessages(1, WAIT)).extracting(Event::id).containsExactly("3");
		}
		assertThat(this.b.api().publish(room, "bob", "four").get("id").asLong()).isEqualTo(4);
	}

}
