package io.pushlab.web;

import java.time.Duration;

import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The technique pages in real Chromium: each shows the Spring code that serves it, cut
 * from the source in the jar and rendered as text.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class TechniquePagesBrowserTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	@Test
	void everyTechniquePageShowsTheSpringCodeThatServesItAsText() {
		String[][] pages = { { "/polling", "ShortPollingController.java", "public ResponseEntity<byte[]> poll(" },
				{ "/longpolling", "LongPollingController.java",
						"DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(" },
				{ "/sse", "SseController.java", "@GetMapping(\"/api/rooms/{room}/events\")" },
				{ "/websocket", "ChatWebSocketHandler.java", "protected void handleTextMessage(WebSocketSession" } };
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			for (String[] expected : pages) {
				page.get(url(expected[0]));
				browser.waiting(WAIT)
					.until((driver) -> !driver.findElements(By.cssSelector("[data-role=code]")).isEmpty());
				assertThat(page.findElement(By.cssSelector("[data-role=code-file]")).getText()).isEqualTo(expected[1]);
				String code = page.findElement(By.cssSelector("[data-role=code]")).getText();
				assertThat(code).as(expected[0]).contains(expected[2]).doesNotContain("@excerpt");
				// rendered as text: the generic types were not swallowed as tags
				assertThat(page.findElements(By.cssSelector("[data-role=code] *"))).hasSize(1);
			}
		}
	}

	@Test
	void theOverviewTableNamesTheSpringApiOtherStacksBrowserSupportAndTheSixConnectionLimit() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/"));
			assertThat(row(page, "spring-api")).contains("@GetMapping", "DeferredResult", "SseEmitter",
					"TextWebSocketHandler");
			assertThat(row(page, "other-stacks")).contains("ws", "Socket.IO", "Flask", "gevent", "Django Channels");
			assertThat(row(page, "browser-support")).contains("EventSource", "WebSocket");
			assertThat(row(page, "connection-limit")).contains("six");
		}
	}

	private static String row(WebDriver page, String name) {
		return page.findElement(By.cssSelector("table.comparison tr[data-row=" + name + "]")).getText();
	}

	@Test
	void theSsePageSaysWhyWhenItsStreamWaitsForOneOfTheSixConnections() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/sse?room=stall-sse"));
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=status]"))
					.getText()
					.equals("stream open"));
			// six more streams of this origin: five open beside the page's, one waits
			((JavascriptExecutor) page).executeScript("window.hogs = Array.from({ length: 6 }, () => "
					+ "new EventSource('/api/rooms/stall-sse/events'));");
			// the page's new stream now waits for a seventh connection
			page.findElement(By.cssSelector("[data-action=reconnect]")).click();
			browser.waiting(WAIT)
				.until((driver) -> !driver.findElements(By.cssSelector("[data-role=stall]")).isEmpty());
			assertThat(page.findElement(By.cssSelector("[data-role=stall]")).getText()).contains("has not opened",
					"six per origin", "HTTP/2");
			assertThat(page.findElement(By.cssSelector("[data-role=status]")).getText()).isNotEqualTo("stream open");
			// free the connections: the stream opens and the notice goes
			((JavascriptExecutor) page).executeScript("window.hogs.forEach((source) => source.close());");
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=status]"))
					.getText()
					.equals("stream open"));
			assertThat(page.findElements(By.cssSelector("[data-role=stall]"))).isEmpty();
		}
	}

	@Test
	void theLongPollingPageRefusesATimeoutUnderOneSecondNextToTheFieldAndKeepsTheLastGoodOne() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/longpolling?room=lp-minimum"));
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=status]"))
					.getText()
					.contains("waiting for messages"));
			// the page shows the parked request's wait against its timeout
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=parked]"))
					.getText()
					.matches("parked at the server for \\d+\\.\\d s of its 25 s timeout .*"));
			WebElement timeout = page.findElement(By.name("timeout"));
			timeout.clear();
			timeout.sendKeys("0", Keys.TAB);
			WebElement error = page.findElement(By.id(timeout.getDomAttribute("aria-describedby")));
			assertThat(timeout.getDomAttribute("aria-invalid")).isEqualTo("true");
			assertThat(error.isDisplayed()).isTrue();
			assertThat(error.getText()).contains("Timeout (ms)", "1000 to 25000", "25000 ms");
			timeout.clear();
			timeout.sendKeys("1000", Keys.TAB);
			assertThat(timeout.getDomAttribute("aria-invalid")).isNull();
			assertThat(error.isDisplayed()).isFalse();
			String script = "return performance.getEntriesByType('resource').map((e) => e.name)"
					+ ".filter((n) => n.includes('/longpoll?'));";
			// the parked 25 s request is still out; the next ones use the new timeout,
			// none the refused one
			browser.waiting(Duration.ofSeconds(40))
				.until((driver) -> ((java.util.List<?>) ((JavascriptExecutor) driver).executeScript(script)).stream()
					.anyMatch((name) -> name.toString().endsWith("timeout=1000")));
			java.util.List<?> names = (java.util.List<?>) ((JavascriptExecutor) page).executeScript(script);
			assertThat(names).noneMatch((name) -> name.toString().endsWith("timeout=0"));
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=parked]"))
					.getText()
					.contains("of its 1 s timeout"));
		}
	}

}
