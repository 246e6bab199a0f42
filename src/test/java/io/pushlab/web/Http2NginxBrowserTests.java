package io.pushlab.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.support.Api;
import io.pushlab.support.Browser;
import io.pushlab.support.Nginx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The six-connections-per-origin limit of HTTP/1.1, gone behind
 * {@code deploy/nginx.conf}: four {@code /compare} tabs (each holds an SSE stream and a
 * parked long poll, so three tabs fill HTTP/1.1's six connections) opened in one real
 * Chromium through nginx's TLS listener, with a certificate made for the run. The pages
 * are served over HTTP/2, every tab's four panels open, and a published message reaches
 * all sixteen panels. The WebSocket panels also prove the forwarded headers: the
 * same-origin check passes for {@code https://} origins behind the proxy.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class Http2NginxBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String[] PANELS = { "polling", "longpolling", "sse", "websocket" };

	private static final int TABS = 4;

	@LocalServerPort
	int port;

	static Nginx nginx;

	@BeforeAll
	static void noNginxYet() {
		nginx = null;
	}

	@AfterAll
	static void stop() {
		if (nginx != null) {
			nginx.close();
		}
	}

	private Nginx nginx() {
		if (nginx == null) {
			// deploy/nginx.conf as it is, its two upstream servers both this instance
			nginx = Nginx.start(Path.of("deploy/nginx.conf"), List.of(this.port, this.port));
		}
		return nginx;
	}

	@Test
	void fourCompareTabsThroughNginxOverHttp2AllReceiveAPublishedMessage() {
		Nginx nginx = nginx();
		String room = "h2-four-tabs";
		try (Browser browser = Browser.open("--ignore-certificate-errors")) {
			WebDriver driver = browser.driver();
			List<String> tabs = new ArrayList<>();
			for (int i = 0; i < TABS; i++) {
				if (i > 0) {
					driver.switchTo().newWindow(WindowType.TAB);
				}
				driver.get(nginx.tlsBase() + "/compare?room=" + room);
				tabs.add(driver.getWindowHandle());
				int tab = i + 1;
				assertThat(protocol(driver)).as("tab %d's page protocol", tab).isEqualTo("h2");
				// every push panel of this tab open while the earlier tabs hold theirs
				browser.waiting(WAIT)
					.withMessage(() -> "tab " + tab + " sse: " + status(driver, "sse") + "\n" + nginx.log())
					.until((d) -> status(d, "sse").contains("stream open"));
				browser.waiting(WAIT)
					.withMessage(() -> "tab " + tab + " longpolling: " + status(driver, "longpolling"))
					.until((d) -> status(d, "longpolling").contains("parked"));
				browser.waiting(WAIT)
					.withMessage(() -> "tab " + tab + " websocket: " + status(driver, "websocket") + "\n" + nginx.log())
					.until((d) -> status(d, "websocket").contains("connected"));
			}
			assertThat(tabs).doesNotHaveDuplicates();
			new Api(this.port).publish(room, "alice", "to sixteen panels");
			for (int i = 0; i < TABS; i++) {
				driver.switchTo().window(tabs.get(i));
				int tab = i + 1;
				for (String panel : PANELS) {
					// ("received" counts the page's own messages only: look at the list)
					browser.waiting(WAIT)
						.withMessage(() -> "tab " + tab + " " + panel + ": " + status(driver, panel) + ", shows "
								+ texts(driver, panel))
						.until((d) -> texts(d, panel).contains("to sixteen panels"));
					assertThat(texts(driver, panel)).as("tab %d %s", tab, panel).containsExactly("to sixteen panels");
				}
				// the API requests went over HTTP/2 too, not only the page (a stream that
				// is still open has no timing entry yet: the polls have)
				assertThat(resourceProtocols(driver, "/messages?")).as("tab %d polls", tab)
					.isNotEmpty()
					.containsOnly("h2");
			}
		}
	}

	private static List<String> texts(WebDriver driver, String panel) {
		return driver.findElements(By.cssSelector("[data-panel=" + panel + "] [data-role=messages] li .text"))
			.stream()
			.map((node) -> node.getText())
			.toList();
	}

	private static String protocol(WebDriver driver) {
		return (String) ((JavascriptExecutor) driver)
			.executeScript("return performance.getEntriesByType('navigation')[0].nextHopProtocol;");
	}

	@SuppressWarnings("unchecked")
	private static List<String> resourceProtocols(WebDriver driver, String pathPart) {
		return (List<String>) ((JavascriptExecutor) driver).executeScript(
				"return performance.getEntriesByType('resource').filter((e) => e.name.includes(arguments[0]))"
						+ ".map((e) => e.nextHopProtocol);",
				pathPart);
	}

	private static String status(WebDriver driver, String panel) {
		return driver.findElement(By.cssSelector("[data-panel=" + panel + "] [data-role=status]")).getText();
	}

	private static String stat(WebDriver driver, String panel, String name) {
		return driver.findElement(By.cssSelector("[data-panel=" + panel + "] [data-stat=" + name + "]")).getText();
	}

}
