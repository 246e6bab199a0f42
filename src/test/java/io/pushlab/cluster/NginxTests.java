package io.pushlab.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.pushlab.support.Api;
import io.pushlab.support.Browser;
import io.pushlab.support.Instance;
import io.pushlab.support.Nginx;
import io.pushlab.support.RedisServer;
import io.pushlab.support.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real nginx, configured by {@code deploy/nginx.conf} itself (ports substituted), in
 * front of two instances sharing one Redis: round robin without sticky sessions, streams
 * not buffered, and the {@code /compare} page working through it in a real browser.
 */
class NginxTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	static RedisServer redis;

	static Instance a;

	static Instance b;

	static Nginx nginx;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		String prefix = "pushlab-nginx-" + UUID.randomUUID() + ":";
		a = Instance.start(redis.port(), prefix);
		b = Instance.start(redis.port(), prefix);
		nginx = Nginx.start(Path.of("deploy/nginx.conf"), List.of(a.port(), b.port()));
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable closeable : new AutoCloseable[] { nginx, b, a, redis }) {
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

	private static long requests(Instance instance, String technique) {
		return instance.api().getJson("/api/stats").get("techniques").get(technique).get("requests").asLong();
	}

	@Test
	void requestsAreSpreadOverBothInstancesAndLongPollingThroughNginxLosesNothing() {
		Api api = new Api(nginx.port());
		String room = "nginx-lp";
		long before = requests(a, "longpolling") + requests(b, "longpolling");
		long beforeA = requests(a, "longpolling");
		long beforeB = requests(b, "longpolling");
		List<Long> ids = new ArrayList<>();
		long cursor = 0;
		for (int i = 1; i <= 30; i++) {
			// published straight on an instance: only the long polls go through nginx
			((i % 3 == 0) ? a : b).api().publish(room, "alice", "m" + i);
			HttpResponse<String> response = api
				.get("/api/rooms/" + room + "/longpoll?client=nginx-client&after=" + cursor + "&timeout=2000");
			assertThat(response.statusCode()).as(nginx.log()).isEqualTo(200);
			for (JsonNode message : Api.parse(response.body()).get("messages")) {
				ids.add(message.get("id").asLong());
				cursor = message.get("id").asLong();
			}
		}
		assertThat(ids).hasSize(30).isSorted().doesNotHaveDuplicates();
		assertThat(ids.get(29)).isEqualTo(30);
		assertThat(requests(a, "longpolling") + requests(b, "longpolling")).isEqualTo(before + 30);
		assertThat(requests(a, "longpolling")).as(nginx.log()).isGreaterThan(beforeA);
		assertThat(requests(b, "longpolling")).isGreaterThan(beforeB);
	}

	@Test
	void eventsPassThroughNginxAtOnceWithTheirHeaders() throws Exception {
		Api api = new Api(nginx.port());
		try (SseClient sse = SseClient.connect(URI.create(nginx.base() + "/api/rooms/nginx-sse/events"), null)) {
			assertThat(sse.response().headers().firstValue("Cache-Control")).hasValue("no-cache, no-transform");
			assertThat(sse.next(WAIT).retry()).isEqualTo("3000");
			for (int i = 1; i <= 3; i++) {
				String text = "through nginx " + i;
				api.publish("nginx-sse", "alice", text);
				List<SseClient.Event> events = sse.nextMessages(1, Duration.ofSeconds(5));
				assertThat(events).hasSize(1);
				assertThat(Api.parse(events.get(0).data()).get("text").asString()).isEqualTo(text);
			}
		}
	}

	@Test
	void aBodyOverTheLimitIsAnsweredByTheAppNotByNginx() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/api/rooms/nginx-big/messages"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"a\",\"text\":\"" + "x".repeat(70_000) + "\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(nginx.log()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void theComparePageWorksThroughNginxInARealBrowser() {
		String room = "nginx-compare";
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(nginx.base() + "/compare?room=" + room);
			browser.waiting(WAIT).until((driver) -> status(driver, "sse").contains("stream open"));
			browser.waiting(WAIT)
				.withMessage(() -> "websocket: " + status(page, "websocket") + "\n" + nginx.log())
				.until((driver) -> status(driver, "websocket").contains("connected"));
			WebElement count = page.findElement(By.name("count"));
			count.clear();
			count.sendKeys("20");
			WebElement rate = page.findElement(By.name("rate"));
			rate.clear();
			rate.sendKeys("20");
			WebElement interval = page.findElement(By.name("interval"));
			interval.clear();
			interval.sendKeys("300");
			page.findElement(By.cssSelector("[data-action=ticker]")).click();
			for (String panel : List.of("polling", "longpolling", "sse", "websocket")) {
				browser.waiting(WAIT)
					.withMessage(() -> panel + ": " + status(page, panel) + ", received "
							+ stat(page, panel, "received") + "\n" + nginx.log())
					.until((driver) -> "20".equals(stat(driver, panel, "received")));
			}
			assertThat(page.findElement(By.cssSelector("[data-role=published]")).getText()).isEqualTo("20");
			for (String panel : List.of("polling", "longpolling", "sse", "websocket")) {
				assertThat(stat(page, panel, "duplicated")).as(panel).isEqualTo("0");
				assertThat(stat(page, panel, "lost")).as(panel).isEqualTo("0");
				List<String> ids = page
					.findElements(By.cssSelector("[data-panel=" + panel + "] [data-role=messages] li .id"))
					.stream()
					.map(WebElement::getText)
					.toList();
				assertThat(ids).as(panel).hasSize(20).doesNotHaveDuplicates();
			}
		}
		// both instances served the page's requests
		assertThat(requests(a, "polling")).isPositive();
		assertThat(requests(b, "polling")).isPositive();
	}

	private static String status(WebDriver driver, String panel) {
		return driver.findElement(By.cssSelector("[data-panel=" + panel + "] [data-role=status]")).getText();
	}

	private static String stat(WebDriver driver, String panel, String name) {
		return driver.findElement(By.cssSelector("[data-panel=" + panel + "] [data-stat=" + name + "]")).getText();
	}

}
