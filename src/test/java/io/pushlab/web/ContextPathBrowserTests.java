package io.pushlab.web;

import java.time.Duration;

import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under {@code server.servlet.context-path} every client finds the API and the chat
 * WebSocket below the app's root: /compare's four panels open and receive a message.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.servlet.context-path=/pushlab")
@ActiveProfiles("test")
class ContextPathBrowserTests {

	static final String[] TECHNIQUES = { "polling", "longpolling", "sse", "websocket" };

	@LocalServerPort
	int port;

	@Test
	void theFourClientsOfCompareWorkUnderAContextPath() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get("http://127.0.0.1:" + this.port + "/pushlab/compare?room=context-path");
			for (String technique : TECHNIQUES) {
				browser.waiting(Duration.ofSeconds(30))
					.until((driver) -> status(driver, technique).matches("stream open|connected|parked|every .*"));
			}
			page.findElement(By.cssSelector("[data-action=send]")).click();
			for (String technique : TECHNIQUES) {
				browser.waiting(Duration.ofSeconds(30))
					.until((driver) -> "1".equals(
							driver.findElement(By.cssSelector("[data-panel=" + technique + "] [data-stat=received]"))
								.getText()));
			}
			assertThat(page.findElement(By.cssSelector("[data-role=error]")).isDisplayed()).isFalse();
		}
	}

	private static String status(WebDriver driver, String technique) {
		return driver.findElement(By.cssSelector("[data-panel=" + technique + "] [data-role=status]")).getText();
	}

}
