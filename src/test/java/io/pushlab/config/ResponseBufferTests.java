package io.pushlab.config;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.apache.catalina.connector.Connector;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request's servlet response buffer is {@code pushlab.connection-buffer-bytes} (2
 * KiB) instead of Tomcat's 8 KiB, so an open SSE stream holds less heap; answers, pages
 * and SSE events larger than the buffer still arrive whole.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ResponseBufferTests {

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void theRunningServerGivesEveryResponseTheSmallBuffer() {
		Connector connector = ((TomcatWebServer) this.context.getWebServer()).getTomcat().getConnector();
		assertThat(connector.getProtocolHandler()).isInstanceOf(SmallBuffersHttp11NioProtocol.class);
		assertThat(connector.getProtocolHandler().getDesiredBufferSize()).isEqualTo(2048);
	}

	@Test
	void answersLargerThanTheBufferArriveWhole() {
		String room = "buffer-page";
		String text = "0123456789".repeat(40);
		for (int i = 1; i <= 20; i++) {
			this.api.publish(room, "alice", i + ":" + text);
		}
		HttpResponse<String> large = this.api.get("/api/rooms/" + room + "/messages?after=0&limit=20");
		assertThat(large.statusCode()).isEqualTo(200);
		assertThat(large.body().length()).isGreaterThan(8192);
		JsonNode messages = Api.parse(large.body()).get("messages");
		assertThat(messages.size()).isEqualTo(20);
		for (int i = 0; i < 20; i++) {
			assertThat(messages.get(i).get("text").asString()).isEqualTo((i + 1) + ":" + text);
		}
		HttpResponse<String> page = this.api.get("/sse");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("</html>");
	}

	@Test
	void anSseEventLargerThanTheBufferArrivesWhole() throws Exception {
		String room = "buffer-sse";
		// 2,000 characters of 3 bytes each: a 6 KB event
		String text = "推".repeat(2000);
		try (SseClient stream = SseClient.connect(this.api.uri("/api/rooms/" + room + "/events"), null)) {
			this.api.publish(room, "bob", text);
			this.api.publish(room, "bob", "after");
			List<SseClient.Event> events = stream.nextMessages(2, Duration.ofSeconds(10));
			assertThat(Api.parse(events.get(0).data()).get("text").asString()).isEqualTo(text);
			assertThat(events.get(0).id()).isEqualTo("1");
			assertThat(Api.parse(events.get(1).data()).get("text").asString()).isEqualTo("after");
		}
	}

}
