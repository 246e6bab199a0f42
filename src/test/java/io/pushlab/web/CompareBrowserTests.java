package io.pushlab.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.pushlab.support.Api;
import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The /compare scenario in real Chromium: a ticker at 10 msg/s for 20 messages reaches
 * all four panels, none lost or doubled, and the push techniques beat the polling
 * interval. Saves the screenshot the README shows
 * ({@code target/screenshots/compare.png}; with {@code -Dpushlab.screenshots=docs} also
 * {@code docs/img/compare.png}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class CompareBrowserTests {

	static final String[] TECHNIQUES = { "polling", "longpolling", "sse", "websocket" };

	@LocalServerPort
	int port;

	@Test
	void theTickerReachesAllFourPanelsWithLatencyMeasuredOnTheBrowserClock() throws Exception {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.manage().window().setSize(new Dimension(1400, 1500));
			Map<String, Double> p50 = CompareScenario.run(browser, "http://127.0.0.1:" + this.port, "compare-e2e");
			double interval = 1000;
			assertThat(p50.get("sse")).isLessThan(interval);
			assertThat(p50.get("websocket")).isLessThan(interval);
			assertTheDistributionChartAndTheExports(page);
			Path shot = ((TakesScreenshot) page).getScreenshotAs(OutputType.FILE).toPath();
			Path target = Path.of("target/screenshots/compare.png");
			Files.createDirectories(target.getParent());
			Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
			if ("docs".equals(System.getProperty("pushlab.screenshots"))) {
				Files.copy(shot, Path.of("docs/img/compare.png"), StandardCopyOption.REPLACE_EXISTING);
			}
			assertThat(Files.size(target)).isPositive();
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void atPhoneWidthTheLatencyChartFitsTheViewportAndKeepsARoomyPlot() {
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.manage().window().setSize(new Dimension(390, 844));
			page.get("http://127.0.0.1:" + this.port + "/compare?room=compare-phone");
			browser.waiting(Duration.ofSeconds(20))
				.until((driver) -> CompareScenario.status(driver, "sse").equals("stream open"));
			Map<?, ?> layout = (Map<?, ?>) ((JavascriptExecutor) page).executeScript(
					"""
							const canvas = document.querySelector('[data-role=cdf-chart]');
							const box = canvas.getBoundingClientRect();
							const chart = Chart.getChart(canvas);
							return { innerWidth, scrollWidth: document.documentElement.scrollWidth, left: box.left,
							  right: box.right, height: box.height, plotHeight: chart.chartArea.bottom - chart.chartArea.top,
							  legend: chart.options.plugins.legend.position, xTicks: chart.scales.x.ticks.length,
							  names: chart.data.datasets.map((set) => set.label),
							  headings: [...document.querySelectorAll('[data-panel] h2 > span:first-child')].map((h) => h.textContent) };
							""");
			long innerWidth = ((Number) layout.get("innerWidth")).longValue();
			assertThat(innerWidth).isLessThanOrEqualTo(390);
			assertThat(((Number) layout.get("scrollWidth")).longValue()).as("no horizontal scrolling")
				.isLessThanOrEqualTo(innerWidth);
			assertThat(((Number) layout.get("left")).doubleValue()).isGreaterThanOrEqualTo(0);
			assertThat(((Number) layout.get("right")).doubleValue()).isLessThanOrEqualTo(innerWidth);
			assertThat(((Number) layout.get("height")).doubleValue()).isGreaterThanOrEqualTo(300);
			assertThat(((Number) layout.get("plotHeight")).doubleValue()).as("the plot, without legend and axes")
				.isGreaterThanOrEqualTo(200);
			assertThat(layout.get("legend")).isEqualTo("bottom");
			assertThat(((Number) layout.get("xTicks")).intValue()).isLessThanOrEqualTo(6);
			// the legend names the techniques as the panels do, not by their JSON keys
			assertThat((List<Object>) layout.get("names")).isEqualTo(layout.get("headings"))
				.containsExactly("Short polling", "Long polling", "Server-Sent Events", "WebSocket");
		}
	}

	@Test
	void anInvalidRoomOrAnOutOfRangeNumberIsRefusedNextToItsFieldAndNothingIsPublished() {
		String room = "compare-fields";
		try (Browser browser = Browser.open()) {
			WebDriver page = browser.driver();
			page.get("http://127.0.0.1:" + this.port + "/compare?room=" + room);
			browser.waiting(Duration.ofSeconds(20))
				.until((driver) -> CompareScenario.status(driver, "sse").equals("stream open"));

			WebElement roomField = field(page, "room");
			roomField.clear();
			roomField.sendKeys("Bad Room", Keys.TAB);
			page.findElement(By.cssSelector("[data-action=send]")).click();
			page.findElement(By.cssSelector("[data-action=ticker]")).click();
			assertThat(page.findElement(By.cssSelector("[data-role=published]")).getText()).isEqualTo("0");
			assertThat(page.findElement(By.cssSelector("[data-action=ticker]")).getText()).isEqualTo("Start ticker");
			assertThat(new Api(this.port).getJson("/api/rooms/" + room + "/messages?after=0").get("messages"))
				.isEmpty();
			assertThat(roomField.getDomAttribute("aria-invalid")).isEqualTo("true");
			assertThat(errorOf(page, roomField)).contains("Room: must be", "stay on " + room, "nothing is published");

			WebElement rate = field(page, "rate");
			rate.clear();
			rate.sendKeys("1000", Keys.TAB);
			assertThat(rate.getDomAttribute("aria-invalid")).isEqualTo("true");
			assertThat(errorOf(page, rate)).contains("Rate (msg/s)", "1 to 50", "still using 5");

			// a valid room again: the error goes and Send one publishes there
			roomField.clear();
			roomField.sendKeys(room, Keys.TAB);
			assertThat(roomField.getDomAttribute("aria-invalid")).isNull();
			page.findElement(By.cssSelector("[data-action=send]")).click();
			browser.waiting(Duration.ofSeconds(20))
				.until((driver) -> "1".equals(CompareScenario.stat(driver, "sse", "received")));
			assertThat(page.findElement(By.cssSelector("[data-role=published]")).getText()).isEqualTo("1");
		}
	}

	private static WebElement field(WebDriver page, String name) {
		return page.findElement(By.cssSelector("[data-role=controls] [name=" + name + "]"));
	}

	private static String errorOf(WebDriver page, WebElement input) {
		WebElement error = page.findElement(By.id(input.getDomAttribute("aria-describedby")));
		assertThat(error.isDisplayed()).isTrue();
		return error.getText();
	}

	@SuppressWarnings("unchecked")
	private static void assertTheDistributionChartAndTheExports(WebDriver page) {
		JavascriptExecutor js = (JavascriptExecutor) page;
		// one chart, four curves on the same axes, 20 points each, ending at 100 %
		List<Map<String, Object>> curves = (List<Map<String, Object>>) js
			.executeScript("return Chart.getChart(document.querySelector('[data-role=cdf-chart]')).data.datasets"
					+ ".map((d) => ({ label: d.label, points: d.data.length, last: d.data[d.data.length - 1].y }));");
		assertThat(curves).extracting((curve) -> curve.get("label"))
			.containsExactly("Short polling", "Long polling", "Server-Sent Events", "WebSocket");
		for (Map<String, Object> curve : curves) {
			assertThat(((Number) curve.get("points")).intValue()).as(curve.get("label") + " points").isEqualTo(20);
			assertThat(((Number) curve.get("last")).doubleValue()).isEqualTo(100.0);
		}
		String fetchExport = "const done = arguments[arguments.length - 1];"
				+ "const link = document.querySelector('[data-role=export-link]');"
				+ "fetch(link.href).then((r) => r.text()).then((text) => done([link.download, text]));";
		page.findElement(By.cssSelector("[data-action=export-csv]")).click();
		List<String> csv = (List<String>) js.executeAsyncScript(fetchExport);
		assertThat(csv.get(0)).isEqualTo("pushlab-compare-compare-e2e.csv");
		List<String> lines = csv.get(1).lines().toList();
		assertThat(lines.get(0)).isEqualTo("technique,seq,nonce,latency_ms");
		assertThat(lines).hasSize(1 + 4 * 20);
		for (String technique : TECHNIQUES) {
			assertThat(lines).filteredOn((line) -> line.startsWith(technique + ",")).hasSize(20);
		}
		page.findElement(By.cssSelector("[data-action=export-json]")).click();
		List<String> json = (List<String>) js.executeAsyncScript(fetchExport);
		assertThat(json.get(0)).isEqualTo("pushlab-compare-compare-e2e.json");
		Map<String, Object> run = (Map<String, Object>) js.executeScript("return JSON.parse(arguments[0]);",
				json.get(1));
		assertThat(((Number) run.get("published")).intValue()).isEqualTo(20);
		Map<String, Map<String, Object>> techniques = (Map<String, Map<String, Object>>) run.get("techniques");
		for (String technique : TECHNIQUES) {
			Map<String, Object> figures = techniques.get(technique);
			assertThat(((Number) figures.get("received")).intValue()).as(technique).isEqualTo(20);
			assertThat(((Number) figures.get("lost")).intValue()).as(technique).isZero();
			assertThat(((Number) figures.get("duplicated")).intValue()).as(technique).isZero();
			assertThat(((Number) figures.get("requests")).intValue()).as(technique).isPositive();
			assertThat((List<?>) figures.get("latencies")).hasSize(20);
		}
	}

	/** The scenario, shared with the scale-out test that runs it through nginx. */
	public static final class CompareScenario {

		private CompareScenario() {
		}

		/**
		 * Opens /compare, runs the ticker at 10 msg/s for 20 messages and checks every
		 * panel.
		 * @return each technique's p50 latency in ms
		 */
		public static Map<String, Double> run(Browser browser, String baseUrl, String room) {
			WebDriver page = browser.driver();
			page.get(baseUrl + "/compare?room=" + room);
			for (String technique : TECHNIQUES) {
				browser.waiting(Duration.ofSeconds(20))
					.until((driver) -> status(driver, technique).matches("stream open|connected|parked|every .*"));
			}
			set(page, "rate", "10");
			set(page, "count", "20");
			set(page, "interval", "1000");
			page.findElement(By.cssSelector("[data-action=ticker]")).click();
			for (String technique : TECHNIQUES) {
				browser.waiting(Duration.ofSeconds(30))
					.until((driver) -> "20".equals(stat(driver, technique, "received")));
			}
			// let late duplicates show up, if any
			browser.waiting(Duration.ofSeconds(5))
				.until((driver) -> driver.findElement(By.cssSelector("[data-role=ticker-state]"))
					.getText()
					.contains("done"));
			Map<String, Double> p50 = new java.util.HashMap<>();
			for (String technique : TECHNIQUES) {
				assertThat(stat(page, technique, "received")).as(technique + " received").isEqualTo("20");
				assertThat(stat(page, technique, "lost")).as(technique + " lost").isEqualTo("0");
				assertThat(stat(page, technique, "duplicated")).as(technique + " duplicated").isEqualTo("0");
				String median = stat(page, technique, "p50");
				assertThat(median).as(technique + " p50").matches("\\d+(\\.\\d+)?");
				p50.put(technique, Double.parseDouble(median));
				assertThat(page
					.findElements(By.cssSelector("[data-panel=" + technique + "] [data-role=messages] li.mine")))
					.hasSize(20);
			}
			return p50;
		}

		private static void set(WebDriver page, String name, String value) {
			WebElement input = page.findElement(By.cssSelector("[data-role=controls] [name=" + name + "]"));
			input.clear();
			input.sendKeys(value);
		}

		private static String status(WebDriver driver, String technique) {
			return driver.findElement(By.cssSelector("[data-panel=" + technique + "] [data-role=status]")).getText();
		}

		private static String stat(WebDriver driver, String technique, String name) {
			return driver.findElement(By.cssSelector("[data-panel=" + technique + "] [data-stat=" + name + "]"))
				.getText();
		}

	}

}
