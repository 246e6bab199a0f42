package io.pushlab.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * from the source in the jar and rendered as text; a counter has one name on every page,
 * and every status pill is readable (WCAG AA contrast).
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

	@Test
	void aQuantityHasTheSameNameOnEveryPageThatShowsItAndSaysWhatItCounts() {
		// the pages on which each quantity must appear; labels are read from the DOM
		Map<String, Set<String>> expected = Map.of("reconnects",
				Set.of("/polling", "/longpolling", "/sse", "/websocket"), "messages-received",
				Set.of("/polling", "/longpolling", "/sse", "/websocket"), "bytes-received",
				Set.of("/polling", "/longpolling", "/sse", "/websocket", "/compare"), "requests-made",
				Set.of("/polling", "/longpolling", "/sse", "/compare"), "empty-responses",
				Set.of("/polling", "/longpolling"), "recovered", Set.of("/sse", "/websocket"), "requests-served",
				Set.of("/", "/compare"), "open-connections-server", Set.of("/", "/compare"),
				"bytes-sent-per-message-server", Set.of("/", "/compare"));
		Map<String, Set<String>> labels = new TreeMap<>();
		Map<String, Set<String>> pagesOf = new TreeMap<>();
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			for (String path : List.of("/", "/polling", "/longpolling", "/sse", "/websocket", "/compare")) {
				page.get(url(path));
				List<?> found = (List<?>) ((JavascriptExecutor) page)
					.executeScript("return [...document.querySelectorAll('[data-quantity]')].map((node) => ["
							+ "node.dataset.quantity, node.textContent.trim(), node.closest('[title]')?.title || '']);");
				assertThat(found).as(path).isNotEmpty();
				for (Object item : found) {
					List<?> entry = (List<?>) item;
					String quantity = (String) entry.get(0);
					assertThat((String) entry.get(2)).as(path + " " + quantity + ": a title says what it counts")
						.isNotBlank();
					labels.computeIfAbsent(quantity, (key) -> new TreeSet<>()).add((String) entry.get(1));
					pagesOf.computeIfAbsent(quantity, (key) -> new TreeSet<>()).add(path);
				}
			}
		}
		expected.forEach((quantity, pages) -> assertThat(pagesOf.get(quantity)).as(quantity).containsAll(pages));
		labels.forEach((quantity, names) -> assertThat(names).as(quantity + " is named alike everywhere").hasSize(1));
	}

	@Test
	void everyStatusPillStateHasAtLeastAaContrast() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/polling?room=pill-contrast"));
			// every state class of .status in the stylesheet, forced on the page's own
			// pill
			List<?> ratios = (List<?>) ((JavascriptExecutor) page).executeScript("""
					const kinds = new Set(['']);
					for (const sheet of document.styleSheets) {
					  for (const rule of sheet.cssRules) {
					    const state = /^\\.status\\.([\\w-]+)$/.exec(rule.selectorText || '');
					    if (state) kinds.add(state[1]);
					  }
					}
					const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
					const luminance = (css) => {
					  const [r, g, b] = rgb(css).map((v) => v / 255)
					    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
					  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
					};
					const ratio = (node) => {
					  const style = getComputedStyle(node);
					  const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
					  return (a + 0.05) / (b + 0.05);
					};
					const pill = document.querySelector('[data-role=status]');
					const result = [...kinds].map((kind) => {
					  pill.className = `status ${kind}`;
					  return [kind || 'none', ratio(pill)];
					});
					result.push(['pill', ratio(document.querySelector('.pill'))]);
					return result;
					""");
			assertThat(ratios.stream().map((entry) -> String.valueOf(((List<?>) entry).get(0))).toList())
				.contains("none", "ok", "warn", "bad", "pill");
			for (Object entry : ratios) {
				List<?> pair = (List<?>) entry;
				assertThat(((Number) pair.get(1)).doubleValue()).as("contrast of .status." + pair.get(0))
					.isGreaterThanOrEqualTo(4.5);
			}
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
