package io.pushlab.rooms;

import java.net.http.HttpResponse;

import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * By default a client on the server's own machine (here every client: 127.0.0.1) has no
 * share of the rooms ({@code pushlab.rooms.limit-loopback=false}): a test suite or the
 * load lab may create many more rooms than {@code pushlab.rooms.max-per-address}, up to
 * {@code pushlab.rooms.max}, which still holds.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.rooms.max=8", "pushlab.rooms.max-per-address=2" })
@ActiveProfiles("test")
class LoopbackRoomShareTests {

	@LocalServerPort
	int port;

	@Test
	void aLoopbackClientCreatesRoomsPastTheAddressShareUpToTheServersBound() throws Exception {
		Api api = new Api(this.port);
		for (int i = 1; i <= 6; i++) {
			HttpResponse<String> created = api.post("/api/rooms/loop-" + i + "/messages",
					"{\"from\":\"poster\",\"text\":\"x\"}");
			assertThat(created.statusCode()).as("room " + i).isEqualTo(201);
		}
		try (SseClient stream = SseClient.connect(api.uri("/api/rooms/loop-7/events"), null)) {
			assertThat(stream.response().statusCode()).isEqualTo(200);
			assertThat(api.post("/api/rooms/loop-8/messages", "{\"from\":\"poster\",\"text\":\"x\"}").statusCode())
				.isEqualTo(201);
			// the server's own bound still holds
			HttpResponse<String> full = api.post("/api/rooms/loop-9/messages", "{\"from\":\"poster\",\"text\":\"x\"}");
			assertThat(full.statusCode()).isEqualTo(429);
			assertThat(Api.parse(full.body()).get("detail").asString()).doesNotContain("your address");
		}
	}

}
