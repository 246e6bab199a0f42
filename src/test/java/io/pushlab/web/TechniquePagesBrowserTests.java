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
				{ "/longpolling", "LongPollingController.java", "DeferredResult<ResponseEntity<byte[]>> poll(" },
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

}
