package io.pushlab.websocket;

import java.time.Duration;
import java.util.List;

import io.pushlab.support.Api;
import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code /websocket} page in Chromium styles as "mine" only what its user typed in
 * it: a message POSTed under the user's name (before the user took the name, or from the
 * user's own browser session) looks like anyone else's, and a POST from elsewhere under
 * the name is refused by the server and never shown.
 */
@ChatServerTest
class SpoofedSenderPageTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Test
	void onlyWhatTheUserTypedIsStyledAsTheirs() {
		String name = NameGraceTests.randomName("mia");
		String room = "mine-" + name.substring(4);
		Api api = new Api(this.port);
		// posted while nobody held the name: allowed, and later in the room's history
		api.publish(room, name, "posted before you came");
		try (Browser mia = Browser.open()) {
			WebDriver driver = mia.driver();
			driver.get("http://localhost:" + this.port + "/websocket?room=" + room);
			WebElement user = driver.findElement(By.cssSelector("[data-role='connect-form'] input[name='user']"));
			user.clear();
			user.sendKeys(name);
			driver.findElement(By.cssSelector("[data-role='connect-form'] button[type='submit']")).click();
			mia.waiting(WAIT).until((d) -> texts(d, room).contains("posted before you came"));

			assertThat(api
				.post("/api/rooms/" + room + "/messages",
						"{\"from\":\"" + name + "\",\"text\":\"spoofed from elsewhere\"}")
				.statusCode()).isEqualTo(409);

			WebElement input = driver.findElement(By.cssSelector("[data-role='chat-form'] input[name='text']"));
			input.sendKeys("typed by me");
			driver.findElement(By.cssSelector("[data-role='chat-form'] button[type='submit']")).click();
			mia.waiting(WAIT).until((d) -> texts(d, room).contains("typed by me"));

			// the user's own session may post under the name (here from the page itself)
			Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
					const done = arguments[arguments.length - 1];
					fetch(`/api/rooms/${arguments[0]}/messages`, { method: 'POST',
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify({ from: arguments[1], text: 'posted from this browser' }) })
						.then((response) => done(response.status), (error) => done(String(error)));
					""", room, name);
			assertThat(status).isEqualTo(201L);
			mia.waiting(WAIT).until((d) -> texts(d, room).contains("posted from this browser"));

			assertThat(texts(driver, room)).containsExactly("posted before you came", "typed by me",
					"posted from this browser");
			assertThat(mineTexts(driver, room)).containsExactly("typed by me");

			// after a reload of the tab, its own message is still its own
			driver.navigate().refresh();
			WebElement again = driver.findElement(By.cssSelector("[data-role='connect-form'] input[name='user']"));
			again.clear();
			again.sendKeys(name);
			driver.findElement(By.cssSelector("[data-role='connect-form'] button[type='submit']")).click();
			mia.waiting(WAIT).until((d) -> texts(d, room).contains("posted from this browser"));
			assertThat(mineTexts(driver, room)).containsExactly("typed by me");
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> texts(WebDriver driver, String room) {
		return (List<String>) ((JavascriptExecutor) driver).executeScript(
				"""
						const node = document.querySelector(`[data-conversation="room:${arguments[0]}"]`);
						return node ? [...node.querySelectorAll('.messages li:not(.system) .text')].map((n) => n.textContent) : [];
						""",
				room);
	}

	@SuppressWarnings("unchecked")
	private static List<String> mineTexts(WebDriver driver, String room) {
		return (List<String>) ((JavascriptExecutor) driver).executeScript("""
				const node = document.querySelector(`[data-conversation="room:${arguments[0]}"]`);
				return node ? [...node.querySelectorAll('.messages li.mine .text')].map((n) => n.textContent) : [];
				""", room);
	}

}
