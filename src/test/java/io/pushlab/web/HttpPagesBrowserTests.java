package io.pushlab.web;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

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

	private static void awaitStatus(Browser browser, String text) {
		browser.waiting(WAIT)
			.until((driver) -> driver.findElement(By.cssSelector("[data-role=status]")).getText().contains(text));
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
			awaitStatus(sse, "stream open");
			awaitStatus(longPolling, "waiting for messages");

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
			awaitStatus(browser, "polling every");
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

}
