package io.pushlab.polling;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.history-size=10")
@ActiveProfiles("test")
class ShortPollingGapTests {

	@LocalServerPort
	int port;

	@Test
	void gapIsTrueWhenMessagesAfterTheCursorAreNoLongerRetained() {
		Api api = new Api(this.port);
		for (int i = 1; i <= 25; i++) {
			api.publish("gap", "alice", "m" + i);
		}
		JsonNode fromStart = api.getJson("/api/rooms/gap/messages?after=0");
		assertThat(fromStart.get("gap").asBoolean()).isTrue();
		assertThat(fromStart.get("messages").get(0).get("id").asLong()).isEqualTo(16);
		assertThat(fromStart.get("messages").size()).isEqualTo(10);
		assertThat(fromStart.get("last").asLong()).isEqualTo(25);
		assertThat(api.getJson("/api/rooms/gap/messages?after=14").get("gap").asBoolean()).isTrue();
		assertThat(api.getJson("/api/rooms/gap/messages?after=15").get("gap").asBoolean()).isFalse();
		assertThat(api.get("/api/rooms/gap/messages/3").statusCode()).isEqualTo(404);
		assertThat(api.get("/api/rooms/gap/messages/20").statusCode()).isEqualTo(200);
	}

}
