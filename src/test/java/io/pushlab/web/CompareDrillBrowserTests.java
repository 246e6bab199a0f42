package io.pushlab.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pushlab.support.Api;
import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recovery drill of /compare in real Chromium: with the ticker running, "Drop all
 * connections" twice; every panel comes back and its drill counters match the messages
 * the room really holds (read from the API): what was published while it was away, what
 * it got back, nothing lost, nothing twice.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class CompareDrillBrowserTests {

	static final String[] TECHNIQUES = { "polling", "longpolling", "sse", "websocket" };

	static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Test
	void twoDropsDuringTheTickerLoseNothingAndEveryPanelCountsWhatItGotBack() throws Exception {
		String room = "drill-e2e";
		Api api = new Api(this.port);
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.manage().window().setSize(new Dimension(1400, 1500));
			page.get(api.base() + "/compare?room=" + room);
			awaitAllOpen(browser);
			set(page, "rate", "10");
			set(page, "count", "2000");
			set(page, "interval", "1000");
			page.findElement(By.cssSelector("[data-action=ticker]")).click();
			List<Map<String, Object>> answers = new ArrayList<>();
			for (int drop = 1; drop <= 2; drop++) {
				int before = published(page);
				browser.waiting(WAIT).until((driver) -> published(driver) >= before + 15);
				page.findElement(By.cssSelector("[data-action=drop]")).click();
				int number = drop;
				browser.waiting(WAIT)
					.withMessage(() -> drills(page))
					.until((driver) -> drillState(driver).contains("drop " + number + ": the server closed"));
				answers.add(answer(page));
				for (String technique : TECHNIQUES) {
					browser.waiting(WAIT)
						.withMessage(() -> drills(page))
						.until((driver) -> settled(driver, technique, number));
				}
				awaitAllOpen(browser);
			}
			// a few more after the second drop, then stop and let every panel catch up
			int before = published(page);
			browser.waiting(WAIT).until((driver) -> published(driver) >= before + 10);
			page.findElement(By.cssSelector("[data-action=ticker]")).click();
			for (String technique : TECHNIQUES) {
				browser.waiting(WAIT).withMessage(() -> drills(page)).until((driver) -> {
					long newest = api.getJson("/api/rooms/" + room + "/messages?after=0&limit=1").get("last").asLong();
					return newest == published(driver)
							&& String.valueOf(newest).equals(stat(driver, technique, "received"));
				});
			}

			// the truth: what the room holds (the page was its only publisher)
			List<Long> truth = new ArrayList<>();
			for (JsonNode message : api.getJson("/api/rooms/" + room + "/messages?after=0&limit=1000")
				.get("messages")) {
				truth.add(message.get("id").asLong());
			}
			assertThat(truth).hasSize(published(page));

			Map<String, Map<String, Object>> run = exported(page);
			for (String technique : TECHNIQUES) {
				Map<String, Object> figures = run.get(technique);
				assertThat(ids(figures.get("ids"))).as(technique + ": every message once, in order")
					.containsExactlyElementsOf(truth);
				assertThat(number(figures.get("gapMissing"))).as(technique + " gap").isZero();
				assertThat(number(figures.get("duplicated"))).as(technique + " duplicated").isZero();
				assertThat(stat(page, technique, "lost")).isEqualTo("0");
				assertThat(stat(page, technique, "duplicated")).isEqualTo("0");
				@SuppressWarnings("unchecked")
				List<Map<String, Object>> drills = (List<Map<String, Object>>) figures.get("drills");
				assertThat(drills).as(technique + " drills").hasSize(2);
				for (int i = 0; i < 2; i++) {
					Map<String, Object> drill = drills.get(i);
					String what = technique + " drop " + (i + 1) + " " + drill;
					// short polling holds nothing open: its outage runs from the click to
					// its next poll
					boolean dropped = technique.equals("polling") || number(answers.get(i).get(technique)) > 0;
					if (!dropped) {
						// a long poll that was between two requests has nothing open to
						// drop
						assertThat(drill.get("state")).as(what).isEqualTo("not-dropped");
						continue;
					}
					assertThat(drill.get("state")).as(what).isEqualTo("settled");
					long from = number(drill.get("from"));
					long to = number(drill.get("to"));
					long away = number(drill.get("away"));
					// the outage's ids are real messages of the room, and all of them
					// came back
					assertThat(away).as(what).isEqualTo(to - from).isGreaterThanOrEqualTo(0);
					assertThat(truth.stream().filter((id) -> id > from && id <= to).count()).as(what).isEqualTo(away);
					assertThat(number(drill.get("back"))).as(what).isEqualTo(away);
					assertThat(number(drill.get("lost"))).as(what).isZero();
					assertThat(number(drill.get("duplicated"))).as(what).isZero();
					assertThat(number(drill.get("reconnectMs"))).as(what).isPositive();
				}
			}
			// streams and sockets cannot be away for no time: SSE waits for retry: (3 s),
			// WebSocket for its first backoff step (at least 250 ms) at 10 msg/s
			for (String technique : new String[] { "sse", "websocket" }) {
				@SuppressWarnings("unchecked")
				List<Map<String, Object>> drills = (List<Map<String, Object>>) run.get(technique).get("drills");
				for (Map<String, Object> drill : drills) {
					assertThat(number(drill.get("away"))).as(technique + " " + drill).isPositive();
				}
			}
			assertThat(number(answers.get(0).get("sse"))).isEqualTo(1);
			assertThat(number(answers.get(0).get("websocket"))).isEqualTo(1);
			// each panel says how it got its messages back
			assertThat(page.findElement(By.cssSelector("[data-panel=sse] [data-drill='1']")).getText())
				.contains("got back by Last-Event-ID", "0 lost", "0 duplicated");
			assertThat(page.findElement(By.cssSelector("[data-panel=websocket] [data-drill='1']")).getText())
				.contains("got back by history on rejoin");
			assertThat(page.findElement(By.cssSelector("[data-panel=polling] [data-drill='1']")).getText())
				.contains("got back by the next short poll");

			// the cost table: this browser's figures and the server's since the run
			// started
			browser.waiting(WAIT).until((driver) -> cost(driver, "websocket", "server-requests").matches("\\d+"));
			for (String technique : TECHNIQUES) {
				assertThat(Integer.parseInt(cost(page, technique, "browser-requests"))).as(technique).isPositive();
				assertThat(cost(page, technique, "browser-bytes")).as(technique).matches("\\d+(\\.\\d+)? (B|KiB)");
				assertThat(Integer.parseInt(cost(page, technique, "server-requests"))).as(technique).isPositive();
				assertThat(cost(page, technique, "server-bytes")).as(technique).matches("\\d+(\\.\\d+)? (B|KiB)");
			}
			assertThat(cost(page, "polling", "browser-open")).isIn("0", "1");
			assertThat(cost(page, "sse", "browser-open")).isEqualTo("1");
			assertThat(cost(page, "websocket", "browser-open")).isEqualTo("1");
			// each drop costs SSE and WebSocket one more request (a reconnect or a
			// handshake)
			assertThat(Integer.parseInt(cost(page, "sse", "browser-requests"))).isGreaterThanOrEqualTo(3);
			assertThat(Integer.parseInt(cost(page, "websocket", "browser-requests"))).isGreaterThanOrEqualTo(3);
			Path shot = ((TakesScreenshot) page).getScreenshotAs(OutputType.FILE).toPath();
			Path target = Path.of("target/screenshots/compare-drill.png");
			Files.createDirectories(target.getParent());
			Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
			if ("docs".equals(System.getProperty("pushlab.screenshots"))) {
				Files.copy(shot, Path.of("docs/img/compare-drill.png"), StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	/** Every panel's drills as the page shows them, for failure messages. */
	static String drills(WebDriver page) {
		StringBuilder text = new StringBuilder();
		for (String technique : TECHNIQUES) {
			text.append('\n').append(technique).append(" [").append(status(page, technique)).append("]: ");
			for (WebElement drill : page.findElements(By.cssSelector("[data-panel=" + technique + "] [data-drill]"))) {
				text.append(drill.getAttribute("data-state")).append(" · ").append(drill.getText()).append(" | ");
			}
		}
		return text.toString();
	}

	static void awaitAllOpen(Browser browser) {
		for (String technique : TECHNIQUES) {
			browser.waiting(WAIT)
				.until((driver) -> status(driver, technique).matches("stream open|connected|parked|every .*"));
		}
	}

	static boolean settled(WebDriver driver, String technique, int drop) {
		List<WebElement> drills = driver
			.findElements(By.cssSelector("[data-panel=" + technique + "] [data-drill='" + drop + "']"));
		return !drills.isEmpty()
				&& List.of("settled", "not-dropped").contains(String.valueOf(drills.get(0).getAttribute("data-state")));
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> answer(WebDriver page) {
		return (Map<String, Object>) ((JavascriptExecutor) page)
			.executeScript("return JSON.parse(document.querySelector('[data-role=drill-state]').dataset.answer);");
	}

	/** The run as the Export JSON button downloads it, per technique. */
	@SuppressWarnings("unchecked")
	static Map<String, Map<String, Object>> exported(WebDriver page) {
		page.findElement(By.cssSelector("[data-action=export-json]")).click();
		String text = (String) ((JavascriptExecutor) page)
			.executeAsyncScript("const done = arguments[arguments.length - 1];"
					+ "fetch(document.querySelector('[data-role=export-link]').href).then((r) => r.text()).then(done);");
		Map<String, Object> run = (Map<String, Object>) ((JavascriptExecutor) page)
			.executeScript("return JSON.parse(arguments[0]);", text);
		return (Map<String, Map<String, Object>>) run.get("techniques");
	}

	static List<Long> ids(Object list) {
		return ((List<?>) list).stream().map(CompareDrillBrowserTests::number).toList();
	}

	static long number(Object value) {
		return ((Number) value).longValue();
	}

	static int published(WebDriver driver) {
		return Integer.parseInt(driver.findElement(By.cssSelector("[data-role=published]")).getText());
	}

	static String drillState(WebDriver driver) {
		return driver.findElement(By.cssSelector("[data-role=drill-state]")).getText();
	}

	static void set(WebDriver page, String name, String value) {
		WebElement input = page.findElement(By.cssSelector("[data-role=controls] [name=" + name + "]"));
		input.clear();
		input.sendKeys(value);
	}

	static String status(WebDriver driver, String technique) {
		return driver.findElement(By.cssSelector("[data-panel=" + technique + "] [data-role=status]")).getText();
	}

	static String cost(WebDriver driver, String technique, String cell) {
		return driver
			.findElement(By.cssSelector(
					"[data-role=cost-table] tr[data-technique=" + technique + "] [data-cost-cell=" + cell + "]"))
			.getText();
	}

	static String stat(WebDriver driver, String technique, String name) {
		return driver.findElement(By.cssSelector("[data-panel=" + technique + "] [data-stat=" + name + "]")).getText();
	}

}
