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
 * What /websocket does with what the server refuses, in real Chromium: a refused join
 * leaves no room behind and is not sent again, a refused name is explained at once, a
 * refused text is given back, a blank text is explained, and presence is not claimed
 * while disconnected.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "pushlab.websocket.max-rooms-per-connection=2")
@ActiveProfiles("test")
class WebSocketPageBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Test
	void aJoinTheServerRefusesIsRolledBackShownByTheRoomFieldAndNotSentAgain() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			browser.connectChat(url("/websocket?room=cap-a"), "mona", WAIT);
			awaitPresence(browser, "mona (you)");
			// record every frame the page sends from now on
			script(page,
					"window.sent = []; const send = WebSocket.prototype.send;"
							+ "WebSocket.prototype.send = function (data) { window.sent.push(String(data));"
							+ " return send.call(this, data); };");
			join(page, "cap-b");
			awaitPresence(browser, "mona (you)");
			join(page, "cap-c"); // the third: over max-rooms-per-connection
			browser.waiting(WAIT).until((driver) -> visibleText(driver, "join-error").contains("too_many_rooms"));
			assertThat(visibleText(page, "join-error")).startsWith("#cap-c was not joined");
			assertThat(tabs(page)).containsExactly("#cap-a", "#cap-b");
			assertThat(page.findElements(By.cssSelector("[data-role=rooms] li"))).hasSize(2);
			assertThat(page.findElements(By.cssSelector("[data-conversation=\"room:cap-c\"]"))).isEmpty();
			assertThat(page.findElement(By.cssSelector("[data-role=conversation-title]")).getText())
				.isNotEqualTo("Room #cap-c");

			page.findElement(By.cssSelector("[data-action=disconnect]")).click();
			browser.awaitStatus("disconnected", WAIT);
			page.findElement(By.cssSelector("[data-role=connect-form] button[type=submit]")).click();
			browser.awaitStatus("connected as mona", WAIT);
			browser.waiting(WAIT).until((driver) -> joins(driver, "cap-b") == 2);
			assertThat(joins(page, "cap-a")).isEqualTo(1);
			assertThat(joins(page, "cap-c")).as("the refused join is not sent again").isEqualTo(1);
			assertThat(tabs(page)).containsExactly("#cap-a", "#cap-b");
		}
	}

	@Test
	void aLookAlikeNameIsRefusedAtOnceWithTheServersReason() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get(url("/websocket?room=confusable"));
			String name = "p\u0430ypal"; // a Cyrillic а
			WebElement user = page.findElement(By.cssSelector("[data-role=connect-form] input[name=user]"));
			user.clear();
			user.sendKeys(name);
			page.findElement(By.cssSelector("[data-role=connect-form] button[type=submit]")).click();
			browser.waiting(Duration.ofSeconds(4))
				.until((driver) -> visibleText(driver, "connect-error").contains("mixes scripts"));
			String error = visibleText(page, "connect-error");
			assertThat(error).contains("“" + name + "”").doesNotContainIgnoringCase("origin");
			assertThat(page.findElement(By.cssSelector("[data-role=connect-form] button[type=submit]")).isEnabled())
				.isTrue();
		}
	}

	@Test
	void aRefusedTextComesBackInTheFieldAndABlankOneIsExplained() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			browser.connectChat(url("/websocket?room=refused-text"), "otto", WAIT);
			page.findElement(By.cssSelector("[data-role=private-form] input[name=to]")).sendKeys("nobody-otto");
			page.findElement(By.cssSelector("[data-role=private-form] button[type=submit]")).click();
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=conversation-title]"))
					.getText()
					.equals("Private with nobody-otto"));
			WebElement text = page.findElement(By.cssSelector("[data-role=chat-form] input[name=text]"));
			text.sendKeys("hi nobody");
			page.findElement(By.cssSelector("[data-role=chat-form] button[type=submit]")).click();
			browser.waiting(WAIT).until((driver) -> visibleText(driver, "chat-error").startsWith("user_offline"));
			assertThat(text.getAttribute("value")).isEqualTo("hi nobody");
			assertThat(visibleText(page, "chat-error")).contains("back in the field");

			text.clear();
			text.sendKeys("   ");
			page.findElement(By.cssSelector("[data-role=chat-form] button[type=submit]")).click();
			browser.waiting(WAIT).until((driver) -> visibleText(driver, "chat-error").contains("only spaces"));
			assertThat(visibleText(page, "chat-error")).startsWith("text:");
		}
	}

	@Test
	void anInvalidPrivateNameIsShownNextToTheToFieldAndClearedWhenCorrected() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			browser.connectChat(url("/websocket?room=private-name"), "pia", WAIT);
			WebElement to = page.findElement(By.cssSelector("[data-role=private-form] input[name=to]"));
			to.sendKeys("no spaces please");
			page.findElement(By.cssSelector("[data-role=private-form] button[type=submit]")).click();
			browser.waiting(WAIT).until((driver) -> "true".equals(to.getDomAttribute("aria-invalid")));
			WebElement error = page.findElement(By.id(to.getDomAttribute("aria-describedby")));
			assertThat(error.isDisplayed()).isTrue();
			assertThat(error.getText()).startsWith("To:").contains("1 to 32 letters");
			// next to the field: right after its label, in the private form, not in the
			// server's error list
			assertThat(script(page,
					"return arguments[0].previousElementSibling === arguments[1].closest('label')"
							+ " && arguments[0].closest('[data-role=private-form]') !== null;",
					error, to))
				.isEqualTo(true);
			assertThat(page.findElements(By.cssSelector("[data-role=errors] li"))).isEmpty();
			assertThat(tabs(page)).doesNotContain("@no spaces please");

			to.clear();
			to.sendKeys("pias-friend");
			assertThat(to.getDomAttribute("aria-invalid")).isNull();
			assertThat(to.getDomAttribute("aria-describedby")).isNull();
			assertThat(error.isDisplayed()).isFalse();
			page.findElement(By.cssSelector("[data-role=private-form] button[type=submit]")).click();
			browser.waiting(WAIT).until((driver) -> tabs(driver).contains("@pias-friend"));
			assertThat(error.isDisplayed()).isFalse();
		}
	}

	@Test
	void theTextLimitCountsAnEmojiAsOneCharacterAsTheServerDoes() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			browser.connectChat(url("/websocket?room=emoji-limit"), "ugo", WAIT);
			// the field has no maxlength in UTF-16 units: 2,000 emoji (4,000 units) are
			// sent
			script(page, "const input = document.querySelector('[data-role=chat-form] input[name=text]');"
					+ "input.value = String.fromCodePoint(0x1F600).repeat(2000);");
			page.findElement(By.cssSelector("[data-role=chat-form] button[type=submit]")).click();
			browser.waiting(WAIT)
				.until((driver) -> ((Number) script(driver, "return [...document.querySelectorAll('.messages .text')]"
						+ ".filter((n) => [...n.textContent].length === 2000).length;"))
					.intValue() == 1);
			// 2,001 are refused by the page, with the count, and stay in the field
			script(page, "const input = document.querySelector('[data-role=chat-form] input[name=text]');"
					+ "input.value = String.fromCodePoint(0x1F600).repeat(2001);");
			page.findElement(By.cssSelector("[data-role=chat-form] button[type=submit]")).click();
			browser.waiting(WAIT).until((driver) -> visibleText(driver, "chat-error").contains("this one has 2001"));
			assertThat(page.findElement(By.cssSelector("[data-role=chat-form] input[name=text]")).getAttribute("value"))
				.hasSize(4002);
		}

	}

	@Test
	void whileDisconnectedThePresenceListSaysItIsUnknown() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			browser.connectChat(url("/websocket?room=presence-gone"), "lena", WAIT);
			awaitPresence(browser, "lena (you)");
			page.findElement(By.cssSelector("[data-action=disconnect]")).click();
			browser.awaitStatus("disconnected", WAIT);
			browser.waiting(WAIT)
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=presence]"))
					.getText()
					.equals("Unknown while disconnected."));
		}
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	private static void join(WebDriver page, String room) {
		page.findElement(By.cssSelector("[data-role=join-form] input[name=room]")).sendKeys(room);
		page.findElement(By.cssSelector("[data-role=join-form] button[type=submit]")).click();
	}

	private static void awaitPresence(Browser browser, String text) {
		browser.waiting(WAIT)
			.until((driver) -> driver.findElement(By.cssSelector("[data-role=presence]")).getText().contains(text));
	}

	/** The text of a form error when it is shown, else "". */
	private static String visibleText(WebDriver driver, String role) {
		List<WebElement> nodes = driver.findElements(By.cssSelector("[data-role=" + role + "]"));
		return (!nodes.isEmpty() && nodes.get(0).isDisplayed()) ? nodes.get(0).getText() : "";
	}

	private static List<String> tabs(WebDriver driver) {
		return driver.findElements(By.cssSelector("[data-role=tabs] [data-tab]"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	private static long joins(WebDriver driver, String room) {
		return (Long) script(driver, "return window.sent.map((s) => JSON.parse(s))"
				+ ".filter((f) => f.type === 'join' && f.room === arguments[0]).length;", room);
	}

	private static Object script(WebDriver driver, String script, Object... arguments) {
		return ((JavascriptExecutor) driver).executeScript(script, arguments);
	}

}
