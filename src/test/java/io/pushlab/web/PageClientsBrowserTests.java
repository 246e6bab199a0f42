package io.pushlab.web;

import java.time.Duration;
import java.util.List;

import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the technique pages gained with the shared clients, in real Chromium: /websocket
 * sends a private message to a name typed in its "to" field (no shared room needed), and
 * /sse asks for the user's `retry` with {@code ?retry=}, and the server's stream opens
 * with it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class PageClientsBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	@Test
	void aPrivateMessageGoesToTheNameTypedInTheToFieldWithoutASharedRoom() {
		try (Browser ines = Browser.open(); Browser jonas = Browser.open()) {
			ines.connectChat(url("/websocket?room=to-field-a"), "ines", WAIT);
			jonas.connectChat(url("/websocket?room=to-field-b"), "jonas", WAIT);
			WebDriver page = ines.driver();
			WebElement to = page.findElement(By.cssSelector("[data-role=private-form] input[name=to]"));
			to.sendKeys("jonas");
			page.findElement(By.cssSelector("[data-role=private-form] button[type=submit]")).click();
			ines.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=conversation-title]"))
					.getText()
					.equals("Private with jonas"));
			String text = "<b>psst</b> only for jonas";
			page.findElement(By.cssSelector("[data-role=chat-form] input[name=text]")).sendKeys(text);
			page.findElement(By.cssSelector("[data-role=chat-form] button[type=submit]")).click();

			jonas.waiting(WAIT).until((driver) -> texts(driver, "user:ines").contains(text));
			ines.waiting(WAIT).until((driver) -> texts(driver, "user:jonas").contains(text));
			assertThat(jonas.driver().findElements(By.cssSelector("[data-role=conversations] b"))).isEmpty();

			// a name nobody holds: the server's user_offline is shown
			to = page.findElement(By.cssSelector("[data-role=private-form] input[name=to]"));
			to.sendKeys("nobody-here");
			page.findElement(By.cssSelector("[data-role=private-form] button[type=submit]")).click();
			page.findElement(By.cssSelector("[data-role=chat-form] input[name=text]")).sendKeys("hello?");
			page.findElement(By.cssSelector("[data-role=chat-form] button[type=submit]")).click();
			ines.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=chat-error]"))
					.getText()
					.startsWith("user_offline"));
		}
	}

	@Test
	void theSsePageOpensItsStreamWithTheRetryTheUserChose() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/sse?room=sse-retry"));
			browser.awaitStatus("stream open", WAIT);
			assertThat(page.findElement(By.cssSelector("[data-role=retry-note]")).getText())
				.contains("server's default");
			// record the address of every EventSource the page opens from now on
			((JavascriptExecutor) page).executeScript("window.streams = []; const Original = window.EventSource;"
					+ "window.EventSource = class extends Original {"
					+ "  constructor(url, options) { super(url, options); window.streams.push(String(url)); } };");
			WebElement retry = page.findElement(By.cssSelector("[data-role=retry-form] input[name=retry]"));
			retry.sendKeys("1500");
			page.findElement(By.cssSelector("[data-role=cursor]")).click(); // blur:
																			// change
			browser.waiting(WAIT).until((driver) -> !streams(driver).isEmpty());
			assertThat(streams(page).get(0)).contains("/api/rooms/sse-retry/events?lastEventId=")
				.endsWith("&retry=1500");
			browser.awaitStatus("stream open", WAIT);
			assertThat(page.findElement(By.cssSelector("[data-role=retry-note]")).getText()).startsWith("1500 ms");

			// out of the bounds the server accepts (500..60,000) is refused next to the
			// field, and no stream asks for it
			retry.clear();
			retry.sendKeys("5");
			page.findElement(By.cssSelector("[data-role=cursor]")).click();
			browser.waiting(WAIT).until((driver) -> "true".equals(retry.getDomAttribute("aria-invalid")));
			assertThat(page.findElement(By.id(retry.getDomAttribute("aria-describedby"))).getText())
				.contains("500 to 60000");
			assertThat(streams(page)).noneMatch((url) -> url.endsWith("&retry=5"));
			assertThat(page.findElement(By.cssSelector("[data-role=retry-note]")).getText()).doesNotStartWith("5 ms");
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> streams(WebDriver driver) {
		return (List<String>) ((JavascriptExecutor) driver).executeScript("return window.streams;");
	}

	@SuppressWarnings("unchecked")
	private static List<String> texts(WebDriver driver, String conversation) {
		return (List<String>) ((JavascriptExecutor) driver).executeScript("""
				const node = document.querySelector(`[data-conversation="${arguments[0]}"]`);
				return node ? [...node.querySelectorAll('.messages .text')].map((n) => n.textContent) : [];
				""", conversation);
	}

}
