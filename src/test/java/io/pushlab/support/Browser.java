package io.pushlab.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven by Selenium, for end-to-end tests of the pages. Each
 * instance is its own browser profile (its own cookies and session), so several instances
 * are several users. Outside CI a test that needs it is skipped with a message saying
 * what to install; with {@code CI=true} a missing browser fails the test.
 */
public final class Browser implements AutoCloseable {

	private final WebDriver driver;

	private final Path profile;

	private Browser(WebDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/**
	 * Starts a browser, or skips the calling test (outside CI) when Chromium is missing.
	 * @return the browser; close it when done
	 */
	public static Browser open() {
		return open(new String[0]);
	}

	/**
	 * Starts a browser with more command-line switches, e.g.
	 * {@code --ignore-certificate-errors} for a certificate made by the test.
	 * @param arguments Chromium switches added to the usual ones
	 * @return the browser; close it when done
	 */
	public static Browser open(String... arguments) {
		String chromium = find("chromium", "chromium-browser", "google-chrome");
		String chromedriver = find("chromedriver");
		Ci.require(chromium != null && chromedriver != null,
				"needs Chromium and ChromeDriver: apt-get install -y chromium chromium-driver");
		try {
			Path profile = Files.createTempDirectory("pushlab-chromium-");
			ChromeOptions options = new ChromeOptions();
			options.setBinary(chromium);
			options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
					"--disable-quic", "--window-size=1280,1000", "--user-data-dir=" + profile);
			options.addArguments(arguments);
			ChromeDriverService service = new ChromeDriverService.Builder()
				.usingDriverExecutable(new File(chromedriver))
				.usingAnyFreePort()
				.build();
			ChromeDriver driver = new ChromeDriver(service, options);
			driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
			return new Browser(driver, profile);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public WebDriver driver() {
		return this.driver;
	}

	/**
	 * @param timeout how long to wait
	 * @return a wait on this browser (polls the condition; no bare sleeps)
	 */
	public WebDriverWait waiting(Duration timeout) {
		return new WebDriverWait(this.driver, timeout);
	}

	/**
	 * Waits until the page's status ({@code [data-role=status]}) contains a text.
	 * @param text the text
	 * @param timeout how long to wait
	 */
	public void awaitStatus(String text, Duration timeout) {
		waiting(timeout)
			.until((driver) -> driver.findElement(By.cssSelector("[data-role=status]")).getText().contains(text));
	}

	/**
	 * Opens the chat page and connects under a name, as a user does: types it in the
	 * connect form and waits until the page says it is connected.
	 * @param pageUrl the page's address ({@code …/websocket?room=…})
	 * @param name the chat name
	 * @param timeout how long to wait for the connection
	 */
	public void connectChat(String pageUrl, String name, Duration timeout) {
		this.driver.get(pageUrl);
		WebElement user = this.driver.findElement(By.cssSelector("[data-role=connect-form] input[name=user]"));
		user.clear();
		user.sendKeys(name);
		this.driver.findElement(By.cssSelector("[data-role=connect-form] button[type=submit]")).click();
		awaitStatus("connected as " + name, timeout);
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
			}
			catch (IOException ex) {
				// a temp folder left behind is harmless
			}
		}
	}

	private static String find(String... names) {
		String path = System.getenv("PATH");
		for (String name : names) {
			for (String dir : ((path != null) ? path : "/usr/bin").split(File.pathSeparator)) {
				File file = new File(dir, name);
				if (file.canExecute()) {
					return file.getAbsolutePath();
				}
			}
		}
		return null;
	}

}
