package io.pushlab.longpolling;

import java.net.http.HttpResponse;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * By default a long-polling client on the server's own machine (here every client:
 * 127.0.0.1) is not held to {@code pushlab.long-polling.max-queues-per-address}: the load
 * lab and test suites run many long-poll clients there. {@code max-queues} still holds.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.long-polling.max-queues=6", "pushlab.long-polling.max-queues-per-address=2" })
@ActiveProfiles("test")
class LoopbackLongPollQueuesTests {

	@LocalServerPort
	int port;

	@Autowired
	ClientQueues queues;

	@Test
	void loopbackClientsHoldMoreQueuesThanTheAddressBoundUpToTheServersBound() {
		Api api = new Api(this.port);
		for (int i = 1; i <= 6; i++) {
			HttpResponse<String> answer = api
				.get("/api/rooms/lp-loop/longpoll?client=loopback-" + i + "&after=0&timeout=0");
			assertThat(answer.statusCode()).as("client " + i).isEqualTo(204);
		}
		assertThat(this.queues.size("127.0.0.1")).isZero();
		HttpResponse<String> full = api.get("/api/rooms/lp-loop/longpoll?client=loopback-7&after=0&timeout=0");
		assertThat(full.statusCode()).isEqualTo(429);
		assertThat(Api.parse(full.body()).get("detail").asString())
			.startsWith("client: the server holds its maximum of 6 long-polling queues");
	}

}
