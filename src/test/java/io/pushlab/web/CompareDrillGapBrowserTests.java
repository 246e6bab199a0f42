package io.pushlab.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pushlab.support.Api;
import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static io.pushlab.web.CompareDrillBrowserTests.TECHNIQUES;
import static io.pushlab.web.CompareDrillBrowserTests.WAIT;
import static io.pushlab.web.CompareDrillBrowserTests.awaitAllOpen;
import static io.pushlab.web.CompareDrillBrowserTests.exported;
import static io.pushlab.web.CompareDrillBrowserTests.ids;
import static io.pushlab.web.CompareDrillBrowserTests.number;
import static io.pushlab.web.CompareDrillBrowserTests.published;
import static io.pushlab.web.CompareDrillBrowserTests.set;
import static io.pushlab.web.CompareDrillBrowserTests.settled;
import static io.pushlab.web.CompareDrillBrowserTests.stat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drill when the outage does not fit in the history: rooms keep 10 messages, the
 * ticker publishes 10 a second, and SSE waits 3 s ({@code retry:}) before it comes back.
 * Its panel says {@code gap} and counts exactly the messages it never got, and every
 * panel's missing count is what the room's truth says it lacks.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.history-size=10", "pushlab.sse.retry=3s" })
@ActiveProfiles("test")
class CompareDrillGapBrowserTests {

	@LocalServerPort
	int port;

	@Test
	void anOutageLongerThanTheHistoryIsShownAsAGapWithWhatIsMissing() {
		String room = "drill-gap";
		Api api = new Api(this.port);
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.manage().window().setSize(new Dimension(1400, 1500));
			page.get(api.base() + "/compare?room=" + room);
			awaitAllOpen(browser);
			set(page, "rate", "10");
			set(page, "count", "100");
			set(page, "interval", "300");
			page.findElement(By.cssSelector("[data-action=ticker]")).click();
			browser.waiting(WAIT).until((driver) -> published(driver) >= 15);
			page.findElement(By.cssSelector("[data-action=drop]")).click();
			for (String technique : TECHNIQUES) {
				browser.waiting(WAIT).until((driver) -> settled(driver, technique, 1));
			}
			browser.waiting(Duration.ofSeconds(60))
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=ticker-state]"))
					.getText()
					.contains("done"));
			// every panel has caught up with the room's newest message
			long newest = api.getJson("/api/rooms/" + room + "/messages?after=0&limit=1").get("last").asLong();
			assertThat(newest).isEqualTo(100);
			for (String technique : TECHNIQUES) {
				browser.waiting(WAIT).until((driver) -> {
					List<Long> ids = ids(exported(driver).get(technique).get("ids"));
					return !ids.isEmpty() && ids.get(ids.size() - 1) == newest;
				});
			}

			Map<String, Map<String, Object>> run = exported(page);
			List<Long> truth = new ArrayList<>();
			for (long id = 1; id <= newest; id++) {
				truth.add(id);
			}
			for (String technique : TECHNIQUES) {
				Map<String, Object> figures = run.get(technique);
				List<Long> ids = ids(figures.get("ids"));
				assertThat(ids).as(technique + ": in order, once each").isSorted().doesNotHaveDuplicates();
				assertThat(truth).containsAll(ids);
				long missing = truth.size() - ids.size();
				assertThat(number(figures.get("gapMissing"))).as(technique + ": the gap counts what is missing")
					.isEqualTo(missing);
				assertThat(number(figures.get("duplicated"))).as(technique).isZero();
			}

			// SSE was away about 30 messages, the room kept 10: a gap, counted
			@SuppressWarnings("unchecked")
			Map<String, Object> drill = ((List<Map<String, Object>>) run.get("sse").get("drills")).get(0);
			long from = number(drill.get("from"));
			long to = number(drill.get("to"));
			List<Long> sseIds = ids(run.get("sse").get("ids"));
			long missingInOutage = truth.stream().filter((id) -> id > from && id <= to && !sseIds.contains(id)).count();
			assertThat(missingInOutage).as("SSE " + drill).isPositive();
			assertThat(number(drill.get("lost"))).as("SSE " + drill).isEqualTo(missingInOutage);
			assertThat(number(drill.get("back")) + number(drill.get("lost"))).isEqualTo(number(drill.get("away")));
			assertThat(page.findElement(By.cssSelector("[data-panel=sse] [data-drill='1']")).getText())
				.contains("gap: " + missingInOutage + " missing");
			assertThat(page.findElement(By.cssSelector("[data-panel=sse] [data-stat=gap]")).getText())
				.startsWith("gap:");
			assertThat(stat(page, "sse", "lost")).isEqualTo(String.valueOf(truth.size() - sseIds.size()));
		}
	}

}
