package io.pushlab;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pushlab.longpolling.ClientQueues;
import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the app with open SSE streams and parked long polls ends them at once instead
 * of waiting out the graceful-shutdown phase.
 */
class GracefulShutdownTests {

	@Test
	void openStreamsAndParkedPollsAreCompletedPromptlyWhenTheAppStops() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PushLabApplication.class).profiles("test")
			.run("--server.port=0", "--spring.lifecycle.timeout-per-shutdown-phase=30s");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		Api api = new Api(port);
		SseClient stream = SseClient.connect(api.uri("/api/rooms/shutdown/events"), null);
		CompletableFuture<HttpResponse<String>> parked = api.http()
			.sendAsync(
					HttpRequest.newBuilder(api.uri("/api/rooms/shutdown/longpoll?client=shutdown-client&timeout=25000"))
						.build(),
					HttpResponse.BodyHandlers.ofString());
		ClientQueues queues = context.getBean(ClientQueues.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> queues.parked() == 1);

		long started = System.nanoTime();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
		HttpResponse<String> answer = parked.get(10, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(204);
		await().atMost(Duration.ofSeconds(10)).until(stream::ended);
		closing.get(20, TimeUnit.SECONDS);
		long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
		assertThat(seconds).as("the app stopped without waiting out the 30 s shutdown phase").isLessThan(15);
		stream.close();
	}

}
