package io.pushlab.websocket;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code /websocket} page in real browsers, one profile (one HTTP session) per user:
 * group chat, a private message only its two people see, and user text shown as text.
 */
@ChatServerTest
class WebSocketPageTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	static final String HTML = "<img src=x onerror=alert(1)>";

	@LocalServerPort
	int port;

	@Test
	void twoUsersChatInARoomAndOnlyTheAddresseeSeesTheirPrivateMessage() {
		String room = "browser-" + UUID.randomUUID().toString().substring(0, 8);
		try (Browser amelie = Browser.open(); Browser bruno = Browser.open(); Browser chen = Browser.open()) {
			connect(amelie, "amélie", room);
			connect(bruno, "bruno", room);
			connect(chen, "chen", room);
			for (Browser browser : List.of(amelie, bruno, chen)) {
				browser.waiting(WAIT).until((driver) -> presence(driver).equals(List.of("amélie", "bruno", "chen")));
			}

			say(amelie, "bonjour bruno");
			for (Browser browser : List.of(amelie, bruno, chen)) {
				browser.waiting(WAIT).until((driver) -> texts(driver, "room:" + room).contains("bonjour bruno"));
			}
			say(bruno, "salut");
			amelie.waiting(WAIT).until((driver) -> texts(driver, "room:" + room).contains("salut"));
			assertThat(texts(chen.driver(), "room:" + room)).containsExactly("bonjour bruno", "salut");

			amelie.driver().findElement(By.cssSelector("[data-role='presence'] button[data-user='bruno']")).click();
			amelie.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role='conversation-title']"))
					.getText()
					.equals("Private with bruno"));
			say(amelie, "just between us");
			bruno.waiting(WAIT).until((driver) -> texts(driver, "user:amélie").contains("just between us"));
			amelie.waiting(WAIT).until((driver) -> texts(driver, "user:bruno").contains("just between us"));
			assertThat(
					bruno.driver().findElement(By.cssSelector("[data-role='tabs'] [data-tab='user:amélie']")).getText())
				.startsWith("@amélie");

			// a room message sent after the private one reaches chen: the private one
			// would
			// have arrived before it
			amelie.driver().findElement(By.cssSelector("[data-role='tabs'] [data-tab='room:" + room + "']")).click();
			say(amelie, "back in the room");
			chen.waiting(WAIT).until((driver) -> texts(driver, "room:" + room).contains("back in the room"));
			assertThat(bodyText(chen.driver())).doesNotContain("just between us");
			assertThat(chen.driver().findElements(By.cssSelector("[data-conversation='user:amélie']"))).isEmpty();
		}
	}

	@Test
	void messageTextContainingHtmlIsShownAsText() {
		String room = "html-" + UUID.randomUUID().toString().substring(0, 8);
		try (Browser dora = Browser.open()) {
			connect(dora, "dora", room);
			say(dora, HTML);
			dora.waiting(WAIT).until((driver) -> texts(driver, "room:" + room).contains(HTML));
			WebDriver driver = dora.driver();
			assertThat(driver.findElements(By.cssSelector("[data-role='conversations'] img"))).isEmpty();
			assertThat(driver.findElement(By.cssSelector("[data-conversation='room:" + room + "'] .messages .text"))
				.getText()).isEqualTo(HTML);
			assertThatExceptionOfType(NoAlertPresentException.class).isThrownBy(() -> driver.switchTo().alert());
		}
	}

	@Test
	void aDropIsShownThenTheRoomIsRejoinedAndMissedMessagesAppearOnce() {
		String room = "recover-" + UUID.randomUUID().toString().substring(0, 8);
		try (Browser emil = Browser.open(); ChatClient other = ChatClient.connect(this.port, "other-side")) {
			connect(emil, "emil", room);
			other.join(room);
			other.chat(room, "before the drop", "before");
			emil.waiting(WAIT).until((driver) -> texts(driver, "room:" + room).contains("before the drop"));

			// 2,000 characters of 3 bytes: over this server's 4,096-byte limit, so it
			// closes
			// the connection with 1009
			((JavascriptExecutor) emil.driver()).executeScript(
					"document.querySelector(\"[data-role='chat-form'] input[name='text']\").value = arguments[0];",
					"界".repeat(2000));
			emil.driver().findElement(By.cssSelector("[data-role='chat-form'] button[type='submit']")).click();
			for (int i = 1; i <= 3; i++) {
				other.chat(room, "missed " + i, "missed-" + i);
			}
			emil.waiting(WAIT).until((driver) -> errors(driver).stream().anyMatch((error) -> error.contains("1009")));
			emil.waiting(WAIT)
				.until((driver) -> counter(driver, "reconnects").equals("1")
						&& status(driver).startsWith("connected as"));
			emil.waiting(WAIT).until((driver) -> texts(driver, "room:" + room).contains("missed 3"));
			assertThat(texts(emil.driver(), "room:" + room)).as("each message once, in order")
				.containsExactly("before the drop", "missed 1", "missed 2", "missed 3");
			assertThat(presence(emil.driver())).containsExactly("emil", "other-side");

			// a private message to someone who has gone: the server's error is shown
			emil.driver().findElement(By.cssSelector("[data-role='presence'] button[data-user='other-side']")).click();
			other.close();
			emil.waiting(WAIT).ignoring(TimeoutException.class).until((driver) -> {
				say(emil, "are you there?");
				return new WebDriverWait(driver, Duration.ofSeconds(1))
					.until((d) -> errors(d).stream().anyMatch((error) -> error.startsWith("user_offline")));
			});
			assertThat(emil.driver().findElement(By.cssSelector("[data-role='chat-error']")).getText())
				.startsWith("user_offline: to: other-side is not connected");
		}
	}

	private void connect(Browser browser, String name, String room) {
		WebDriver driver = browser.driver();
		driver.get("http://localhost:" + this.port + "/websocket?room=" + room);
		WebElement user = driver.findElement(By.cssSelector("[data-role='connect-form'] input[name='user']"));
		user.clear();
		user.sendKeys(name);
		driver.findElement(By.cssSelector("[data-role='connect-form'] button[type='submit']")).click();
		browser.waiting(WAIT)
			.until((d) -> d.findElement(By.cssSelector("[data-role='status']")).getText().startsWith("connected as"));
		browser.waiting(WAIT).until((d) -> presence(d).contains(name));
	}

	private static void say(Browser browser, String text) {
		WebElement input = browser.driver().findElement(By.cssSelector("[data-role='chat-form'] input[name='text']"));
		input.sendKeys(text);
		browser.driver().findElement(By.cssSelector("[data-role='chat-form'] button[type='submit']")).click();
	}

	/** The texts of a conversation's messages, also when it is not the one shown. */
	@SuppressWarnings("unchecked")
	private static List<String> texts(WebDriver driver, String conversation) {
		return (List<String>) ((JavascriptExecutor) driver).executeScript("""
				const node = document.querySelector(`[data-conversation="${arguments[0]}"]`);
				return node ? [...node.querySelectorAll('.messages .text')].map((n) => n.textContent) : [];
				""", conversation);
	}

	private static List<String> presence(WebDriver driver) {
		return driver.findElements(By.cssSelector("[data-role='presence'] button[data-user]"))
			.stream()
			.map((button) -> button.getAttribute("data-user"))
			.toList();
	}

	private static List<String> errors(WebDriver driver) {
		return driver.findElements(By.cssSelector("[data-role='errors'] li"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	private static String counter(WebDriver driver, String name) {
		return driver.findElement(By.cssSelector("[data-counter='" + name + "']")).getText();
	}

	private static String status(WebDriver driver) {
		return driver.findElement(By.cssSelector("[data-role='status']")).getText();
	}

	private static String bodyText(WebDriver driver) {
		return (String) ((JavascriptExecutor) driver).executeScript("return document.body.textContent;");
	}

}
