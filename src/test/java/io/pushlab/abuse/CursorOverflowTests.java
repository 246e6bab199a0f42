package io.pushlab.abuse;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.pushlab.support.Api;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cursor at {@code Long.MAX_VALUE} used to overflow {@code after + 1} and replay the
 * whole history; now it gets nothing (or a 400 where the value is not a valid id).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class CursorOverflowTests {

	private static final String MAX = Long.toString(Long.MAX_VALUE);

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void shortPollingAtTheLargestCursorGetsNoMessages() {
		this.api.publish("overflow-poll", "alice", "one");
		this.api.publish("overflow-poll", "alice", "two");
		JsonNode page = this.api.getJson("/api/rooms/overflow-poll/messages?after=" + MAX);
		assertThat(page.get("messages")).isEmpty();
		assertThat(page.get("gap").asBoolean()).isFalse();
		assertThat(page.get("last").asLong()).isEqualTo(2);
	}

	@Test
	void longPollingAtTheLargestCursorGetsNothing() {
		this.api.publish("overflow-lp", "alice", "one");
		HttpResponse<String> response = this.api
			.get("/api/rooms/overflow-lp/longpoll?client=overflow-client-1&after=" + MAX + "&timeout=0");
		assertThat(response.statusCode()).isEqualTo(204);
	}

	@Test
	void sseWithTheLargestLastEventIdIsAcceptedAndOneBeyondItIsRefused() {
		this.api.publish("overflow-sse", "alice", "one");
		HttpResponse<String> beyond = this.api
			.send(HttpRequest.newBuilder(this.api.uri("/api/rooms/overflow-sse/events"))
				.header("Last-Event-ID", "9223372036854775808")
				.build());
		assertThat(beyond.statusCode()).isEqualTo(400);
		assertThat(beyond.body()).contains("Last-Event-ID");
	}

}
