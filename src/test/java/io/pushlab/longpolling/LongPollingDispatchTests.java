package io.pushlab.longpolling;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushlab.support.Api;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poll whose answer is ready is answered in its first dispatch; only a poll that has to
 * wait goes through {@code DeferredResult} and the servlet's async dispatch. A filter
 * registered for both dispatch types counts, per client, how each request was served.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class LongPollingDispatchTests {

	@LocalServerPort
	int port;

	@Autowired
	ClientQueues queues;

	@Autowired
	Dispatches dispatches;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void aReadyAnswerIsSentWithoutAnAsyncDispatchAndAParkedOneWithOne() throws Exception {
		String room = "lp-dispatch";
		String client = "dispatch-client";
		for (int i = 1; i <= 3; i++) {
			this.api.publish(room, "alice", "m" + i);
		}

		HttpResponse<String> ready = this.api.get(poll(room, client, 0, 20_000));
		assertThat(ready.statusCode()).isEqualTo(200);
		assertThat(ready.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		JsonNode page = Api.parse(ready.body());
		assertThat(ids(page)).containsExactly(1L, 2L, 3L);
		assertThat(page.get("last").asLong()).isEqualTo(3);
		assertThat(this.dispatches.of(client, DispatcherType.REQUEST)).isEqualTo(1);
		assertThat(this.dispatches.of(client, DispatcherType.ASYNC)).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> open() == 0);

		CompletableFuture<HttpResponse<String>> parked = this.api.http()
			.sendAsync(HttpRequest.newBuilder(this.api.uri(poll(room, client, 3, 20_000))).GET().build(),
					HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(5)).until(() -> this.queues.parked() > 0);
		assertThat(open()).isEqualTo(1);
		this.api.publish(room, "alice", "m4");
		HttpResponse<String> woken = parked.get(10, TimeUnit.SECONDS);
		assertThat(woken.statusCode()).isEqualTo(200);
		assertThat(ids(Api.parse(woken.body()))).containsExactly(4L);
		assertThat(this.dispatches.of(client, DispatcherType.REQUEST)).isEqualTo(2);
		assertThat(this.dispatches.of(client, DispatcherType.ASYNC)).isEqualTo(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> open() == 0);
	}

	@Test
	void aPollWithoutWaitingIsAnsweredInItsFirstDispatchEvenWhenEmpty() {
		String client = "no-wait-client";
		HttpResponse<String> empty = this.api.get(poll("lp-dispatch-empty", client, 0, 0));
		assertThat(empty.statusCode()).isEqualTo(204);
		assertThat(empty.body()).isEmpty();
		assertThat(this.dispatches.of(client, DispatcherType.REQUEST)).isEqualTo(1);
		assertThat(this.dispatches.of(client, DispatcherType.ASYNC)).isZero();
	}

	private long open() {
		return this.api.getJson("/api/stats").get("techniques").get("longpolling").get("open").asLong();
	}

	private static String poll(String room, String client, long after, long timeout) {
		return "/api/rooms/" + room + "/longpoll?client=" + client + "&after=" + after + "&timeout=" + timeout;
	}

	private static List<Long> ids(JsonNode page) {
		List<Long> ids = new ArrayList<>();
		page.get("messages").forEach((message) -> ids.add(message.get("id").asLong()));
		return ids;
	}

	/** Counts the dispatches of long-poll requests, per client and dispatch type. */
	static class Dispatches implements Filter {

		private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			if (request instanceof HttpServletRequest http && http.getRequestURI().endsWith("/longpoll")) {
				String key = http.getParameter("client") + " " + request.getDispatcherType();
				this.counts.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			}
			chain.doFilter(request, response);
		}

		int of(String client, DispatcherType type) {
			AtomicInteger count = this.counts.get(client + " " + type);
			return (count != null) ? count.get() : 0;
		}

	}

	@TestConfiguration
	static class CountDispatches {

		@Bean
		Dispatches dispatches() {
			return new Dispatches();
		}

		@Bean
		FilterRegistrationBean<Dispatches> dispatchesRegistration(Dispatches dispatches) {
			FilterRegistrationBean<Dispatches> registration = new FilterRegistrationBean<>(dispatches);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
			registration.addUrlPatterns("/api/rooms/*");
			return registration;
		}

	}

}
