package io.pushlab.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.pushlab.PushLabApplication;
import io.pushlab.support.Api;
import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory server restarts on the same port while the four technique pages are open:
 * it has lost the room and numbers it from 1 again, below every page's cursor. Each page
 * must say so and show the messages published after the restart, which used to be dropped
 * as ids at or below the cursor (the WebSocket page even said "nothing was missed").
 */
class ServerRestartBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String ROOM = "restart";

	private static final Map<String, String> PAGES = Map.of("polling", "/polling?room=" + ROOM, "longpolling",
			"/longpolling?room=" + ROOM, "sse", "/sse?room=" + ROOM, "websocket", "/websocket?room=" + ROOM);

	@Test
	void everyPageSaysTheServerRestartedAndShowsTheMessagesPublishedAfterIt() throws Exception {
		int port = freePort();
		ConfigurableApplicationContext server = start(port);
		try (Browser polling = Browser.open();
				Browser longPolling = Browser.open();
				Browser sse = Browser.open();
				Browser webSocket = Browser.open()) {
			Map<String, Browser> browsers = Map.of("polling", polling, "longpolling", longPolling, "sse", sse,
					"websocket", webSocket);
			browsers.forEach((name, browser) -> {
				if (!name.equals("websocket")) {
					browser.driver().get("http://127.0.0.1:" + port + PAGES.get(name));
				}
			});
			webSocket.connectChat("http://127.0.0.1:" + port + PAGES.get("websocket"), "restarter", WAIT);
			sse.awaitStatus("stream open", WAIT);
			longPolling.awaitStatus("waiting for messages", WAIT);
			Api api = new Api(port);
			for (int i = 1; i <= 5; i++) {
				api.publish(ROOM, "alice", "before restart " + i);
			}
			for (Browser browser : browsers.values()) {
				browser.waiting(WAIT).until((driver) -> texts(driver).contains("before restart 5"));
			}

			server.close();
			server = start(port);
			api = new Api(port);
			for (int i = 1; i <= 3; i++) {
				assertThat(api.publish(ROOM, "bob", "after restart " + i).get("id").asLong()).isEqualTo(i);
			}

			for (Map.Entry<String, Browser> page : browsers.entrySet()) {
				page.getValue()
					.waiting(WAIT)
					.withMessage(() -> page.getKey() + " shows " + texts(page.getValue().driver()) + " and "
							+ systemLines(page.getValue().driver()))
					.until((driver) -> texts(driver)
						.containsAll(List.of("after restart 1", "after restart 2", "after restart 3"))
							&& systemLines(driver).stream().anyMatch((line) -> line.contains("server restarted")));
				List<String> lines = systemLines(page.getValue().driver());
				assertThat(lines).as(page.getKey()).noneMatch((line) -> line.contains("nothing was missed"));
				assertThat(texts(page.getValue().driver())).as(page.getKey())
					.containsSubsequence("before restart 5", "after restart 1", "after restart 2", "after restart 3")
					.doesNotHaveDuplicates();
			}
		}
		finally {
			server.close();
		}
	}

	private static ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(PushLabApplication.class).profiles("test")
			.run("--server.port=" + port, "--spring.jmx.enabled=false");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> texts(WebDriver driver) {
		return (List<String>) ((JavascriptExecutor) driver)
			.executeScript("return [...document.querySelectorAll('.messages .text, [data-role=messages] .text')]"
					+ ".map((n) => n.textContent);");
	}

	@SuppressWarnings("unchecked")
	private static List<String> systemLines(WebDriver driver) {
		return (List<String>) ((JavascriptExecutor) driver)
			.executeScript("return [...document.querySelectorAll('li.system')].map((n) => n.textContent);");
	}

}
