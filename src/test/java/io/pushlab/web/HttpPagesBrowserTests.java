package io.pushlab.web;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.pushlab.support.Api;
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
import static org.awaitility.Awaitility.await;

/**
 * Real Chromium on the pages of the three HTTP techniques: a message sent through one
 * page's form appears on the others, rendered as text.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class HttpPagesBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	private static void awaitMessage(Browser browser, String text) {
		browser.waiting(WAIT).until((driver) -> texts(driver).contains(text));
	}

	private static List<String> texts(WebDriver driver) {
		return driver.findElements(By.cssSelector("[data-role=messages] li .text"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	@Test
	void aMessageSentFromTheSsePageAppearsOnTheSseAndLongPollingPagesAsText() {
		String text = "<img src=x onerror=alert(1)> hello " + UUID.randomUUID();
		try (Browser sse = Browser.open(); Browser longPolling = Browser.open()) {
			sse.driver().get(url("/sse?room=browser-http"));
			longPolling.driver().get(url("/longpolling?room=browser-http"));
			sse.awaitStatus("stream open", WAIT);
			longPolling.awaitStatus("waiting for messages", WAIT);

			WebDriver page = sse.driver();
			WebElement from = page.findElement(By.name("from"));
			from.clear();
			from.sendKeys("alice");
			page.findElement(By.name("text")).sendKeys(text);
			page.findElement(By.cssSelector("[data-role=send-form] button[type=submit]")).click();

			awaitMessage(sse, text);
			awaitMessage(longPolling, text);
			for (Browser browser : List.of(sse, longPolling)) {
				assertThat(browser.driver().findElements(By.cssSelector("[data-role=messages] img"))).isEmpty();
				assertThat(browser.driver().findElement(By.cssSelector("[data-role=messages] li .from")).getText())
					.isEqualTo("alice");
			}
			assertThat(page.findElement(By.cssSelector("[data-counter=messages]")).getText()).isEqualTo("1");

			// the short-polling page shows it too, from the room's recent history
			longPolling.driver().get(url("/polling?room=browser-http"));
			awaitMessage(longPolling, text);
			assertThat(Integer
				.parseInt(longPolling.driver().findElement(By.cssSelector("[data-counter=requests]")).getText()))
				.isPositive();
		}
	}

	@Test
	void theSendFormShowsTheServersErrorForInvalidInput() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/polling?room=browser-errors"));
			browser.awaitStatus("polling every", WAIT);
			WebElement from = page.findElement(By.name("from"));
			from.clear();
			from.sendKeys("not a valid name!");
			page.findElement(By.name("text")).sendKeys("hello");
			page.findElement(By.cssSelector("[data-role=send-form] button[type=submit]")).click();
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=send-error]")).isDisplayed());
			assertThat(page.findElement(By.cssSelector("[data-role=send-error]")).getText()).startsWith("from:");
		}
	}

	@Test
	void aHugePollingIntervalIsRefusedNextToTheFieldAndDoesNotFloodTheServer() {
		Api api = new Api(this.port);
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/polling?room=browser-huge-interval"));
			browser.awaitStatus("polling every 1000 ms", WAIT);
			WebElement interval = page.findElement(By.name("interval"));
			interval.clear();
			// above 2^31 - 1 ms setTimeout fires at once: a request loop if the value
			// were used
			interval.sendKeys("3000000000", Keys.TAB);
			long before = pollingRequests(api);
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.until(() -> pollingRequests(api) - before <= 4);
			WebElement error = page.findElement(By.id(interval.getDomAttribute("aria-describedby")));
			assertThat(interval.getDomAttribute("aria-invalid")).isEqualTo("true");
			assertThat(error.isDisplayed()).isTrue();
			assertThat(error.getText()).contains("Interval (ms)", "100 to 60000", "still polling every 1000 ms");
			assertThat(interval.getCssValue("border-color"))
				.isNotEqualTo(page.findElement(By.name("from")).getCssValue("border-color"));
			assertThat(page.findElement(By.cssSelector("[data-role=status]")).getText()).doesNotContain("3000000000");

			// a good value is taken and the error goes
			interval.clear();
			interval.sendKeys("2000", Keys.TAB);
			assertThat(interval.getDomAttribute("aria-invalid")).isNull();
			assertThat(error.isDisplayed()).isFalse();
			browser.awaitStatus("polling every 2000 ms", WAIT);

			// Enter takes the value as leaving the field does, without reloading the page
			((JavascriptExecutor) page).executeScript("window.notReloaded = true;");
			interval.clear();
			interval.sendKeys("3000", Keys.ENTER);
			browser.awaitStatus("polling every 3000 ms", WAIT);
			assertThat(((JavascriptExecutor) page).executeScript("return window.notReloaded === true;"))
				.isEqualTo(true);
			assertThat(page.getCurrentUrl()).doesNotContain("interval=");
		}
	}

	private static long pollingRequests(Api api) {
		return api.getJson("/api/stats").path("techniques").path("polling").path("requests").asLong();
	}

	@Test
	void anSseRetryOutOfRangeIsRefusedNextToTheFieldAndTheServersDefaultStays() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/sse?room=browser-sse-retry"));
			browser.awaitStatus("stream open", WAIT);
			WebElement retry = page.findElement(By.name("retry"));
			retry.sendKeys("100", Keys.TAB);
			WebElement error = page.findElement(By.id(retry.getDomAttribute("aria-describedby")));
			assertThat(retry.getDomAttribute("aria-invalid")).isEqualTo("true");
			assertThat(error.getText()).contains("retry (ms)", "500 to 60000", "still using the server's default");
			assertThat(page.findElement(By.cssSelector("[data-role=retry-note]")).getText())
				.startsWith("the server's default");
		}
	}

	@Test
	void theSendFormClearsAServerErrorWhenTheBrowserBlocksTheNextSubmitAndMarksTheFieldAtFault() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/polling?room=browser-stale-error"));
			browser.awaitStatus("polling every", WAIT);
			WebElement text = page.findElement(By.name("text"));
			WebElement send = page.findElement(By.cssSelector("[data-role=send-form] button[type=submit]"));
			WebElement error = page.findElement(By.cssSelector("[data-role=send-error]"));
			text.sendKeys("   ");
			send.click();
			browser.waiting(WAIT).until((driver) -> error.isDisplayed());
			assertThat(error.getText()).startsWith("text:");
			assertThat(text.getDomAttribute("aria-invalid")).isEqualTo("true");
			assertThat(text.getDomAttribute("aria-describedby")).isEqualTo(error.getDomAttribute("id"));

			// the browser's own check blocks the next submit (an empty name): the old
			// error goes
			page.findElement(By.name("from")).clear();
			send.click();
			browser.waiting(WAIT).until((driver) -> !error.isDisplayed());
			assertThat(text.getDomAttribute("aria-invalid")).isNull();

			// 2000 emoji are 2000 characters (no maxlength counting UTF-16 units); 2001
			// are refused here
			assertThat(text.getDomAttribute("maxlength")).isNull();
			page.findElement(By.name("from")).sendKeys("emoji");
			((JavascriptExecutor) page)
				.executeScript("arguments[0].value = String.fromCodePoint(0x1F600).repeat(2001);", text);
			send.click();
			browser.waiting(WAIT).until((driver) -> error.isDisplayed());
			assertThat(error.getText()).startsWith("text: must be 1 to 2000 characters").contains("has 2001");
			((JavascriptExecutor) page)
				.executeScript("arguments[0].value = String.fromCodePoint(0x1F600).repeat(2000);", text);
			send.click();
			browser.waiting(WAIT).until((driver) -> "".equals(text.getDomProperty("value")));
			assertThat(error.isDisplayed()).isFalse();
		}

	}

	@Test
	void theSsePageCountsReplaysAfterConnectAndAfterTheBrowsersOwnReconnect() {
		Api api = new Api(this.port);
		String room = "browser-sse-replay";
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/sse?room=" + room));
			browser.awaitStatus("stream open", WAIT);
			WebElement toggle = page.findElement(By.cssSelector("[data-action=toggle]"));
			toggle.click();
			browser.awaitStatus("disconnected", WAIT);
			for (int i = 1; i <= 3; i++) {
				api.publish(room, "bob", "missed " + i);
			}
			toggle.click(); // Connect
			awaitMessage(browser, "missed 3");
			browser.waiting(WAIT).until((driver) -> "3".equals(counter(driver, "replayed")));

			// the server ends the stream; the browser reconnects by itself after retry (3
			// s)
			// with Last-Event-ID and gets what was published meanwhile
			assertThat(api.post("/api/rooms/" + room + "/drop", "").statusCode()).isEqualTo(200);
			api.publish(room, "bob", "away 1");
			api.publish(room, "bob", "away 2");
			awaitMessage(browser, "away 2");
			browser.waiting(WAIT).until((driver) -> "5".equals(counter(driver, "replayed")));

			// a live message is not a replay
			api.publish(room, "bob", "live");
			awaitMessage(browser, "live");
			assertThat(counter(page, "messages")).isEqualTo("6");
			assertThat(counter(page, "replayed")).isEqualTo("5");
		}
	}

	private static String counter(WebDriver driver, String name) {
		return driver.findElement(By.cssSelector("[data-counter=" + name + "]")).getText();
	}

}
