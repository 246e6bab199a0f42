package io.pushlab.lab;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.pushlab.rfc6455.Handshake;
import io.pushlab.support.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab as a user meets it: the application started with its raw RFC 6455 server, the
 * API over HTTP, and the page in a real browser talking to the raw server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class LabEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	private int port;

	@Autowired
	private RawWebSocketLifecycle rawServer;

	@DynamicPropertySource
	static void rawServerOnAFreePort(DynamicPropertyRegistry registry) {
		registry.add("pushlab.raw-websocket.port", LabEndToEndTests::freePort);
		registry.add("pushlab.raw-websocket.bind-address", () -> "127.0.0.1");
	}

	@Test
	void theRawServerRunsWithTheApplication() throws Exception {
		assertThat(this.rawServer.isRunning()).isTrue();
		CompletableFuture<String> reply = new CompletableFuture<>();
		WebSocket socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + this.rawServer.port() + "/"), new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					reply.complete(data.toString());
					return null;
				}
			})
			.get(5, TimeUnit.SECONDS);
		socket.sendText("小明 says hi", true);
		assertThat(reply.get(5, TimeUnit.SECONDS)).startsWith("{\"fin\":true,\"opcode\":1,\"masked\":true,")
			.contains("\"text\":\"小明 says hi\"");
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
	}

	@Test
	void theApiAnswersOverHttp() throws Exception {
		HttpResponse<String> handshake = postJson("/api/lab/handshake", "{\"key\":\"dGhlIHNhbXBsZSBub25jZQ==\"}");
		assertThat(handshake.statusCode()).isEqualTo(200);
		assertThat(handshake.body()).isEqualTo("{\"key\":\"dGhlIHNhbXBsZSBub25jZQ==\","
				+ "\"concatenated\":\"dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11\","
				+ "\"sha1Hex\":\"b37a4f2cc0624f1690f64606cf385945b2bec4ea\",\"accept\":\"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\"}");
		HttpResponse<String> decode = postJson("/api/lab/frames/decode", "{\"hex\":\"8105486c\"}");
		assertThat(decode.statusCode()).isEqualTo(400);
		assertThat(decode.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(decode.body())
			.contains("\"detail\":\"hex: truncated payload: the header announces 5 bytes, got 2\"");
	}

	@Test
	void thePageWalksThroughHandshakeFramesAndTheLiveServer() {
		try (Browser browser = Browser.open()) {
			WebDriver driver = browser.driver();
			driver.get("http://localhost:" + this.port + "/lab");

			// 1 · handshake: the RFC's sample key is there and computed on arrival
			WebElement key = driver.findElement(By.cssSelector("[data-role=handshake-form] input[name=key]"));
			assertThat(key.getDomProperty("value")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBe(By.cssSelector("[data-step=accept]"),
						"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
			assertThat(driver.findElement(By.cssSelector("[data-step=concatenated]")).getText())
				.isEqualTo("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
			assertThat(driver.findElement(By.cssSelector("[data-step=sha1Hex]")).getText())
				.isEqualTo("b37a4f2cc0624f1690f64606cf385945b2bec4ea");
			driver.findElement(By.cssSelector("[data-action=random-key]")).click();
			browser.waiting(WAIT).until((d) -> !"dGhlIHNhbXBsZSBub25jZQ==".equals(key.getDomProperty("value")));
			String randomKey = key.getDomProperty("value");
			assertThat(Handshake.isValidKey(randomKey)).as(randomKey).isTrue();
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBe(By.cssSelector("[data-step=accept]"), Handshake.accept(randomKey)));
			assertThat(driver.findElement(By.cssSelector("[data-role=response-accept]")).getText())
				.isEqualTo(Handshake.accept(randomKey));

			// the short explanations
			assertThat(driver.findElement(By.cssSelector("[data-role=explain-masking]")).getText())
				.contains("why clients mask", "cache");
			assertThat(driver.findElement(By.cssSelector("[data-role=explain-lengths]")).getText()).contains("0 – 125",
					"126 – 65 535", "65 536 and up", "shortest");
			assertThat(driver.findElement(By.cssSelector("[data-role=explain-close]")).getText())
				.contains("close frame", "1000", "1009");

			// the frame builder's first example: masked "Hello", each field in its colour
			browser.waiting(WAIT)
				.until(ExpectedConditions
					.presenceOfElementLocated(By.cssSelector("[data-role=encode-result] [data-segment=key]")));
			assertThat(driver.findElements(By.cssSelector("[data-role=encode-result] .bytes [data-segment]")))
				.extracting((segment) -> segment.getDomAttribute("data-segment"))
				.containsExactly("b0", "b1", "key", "payload");
			assertThat(driver.findElement(By.cssSelector("[data-role=encode-result] th.seg-key")).getText())
				.isEqualTo("Masking key");
			assertThat(driver.findElement(By.cssSelector("[data-role=encode-result] [data-field=byte0]")).getText())
				.isEqualTo("1 000 0001 = FIN, RSV1-3, opcode");
			key.clear();
			key.sendKeys("not a key");
			driver.findElement(By.cssSelector("[data-role=handshake-form] button[type=submit]")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-role=handshake-error]")));
			assertThat(driver.findElement(By.cssSelector("[data-role=handshake-error]")).getText())
				.startsWith("key: must be 16 bytes in base64");

			// 2 · encode an unmasked ping, then decode its bytes
			WebElement text = driver.findElement(By.cssSelector("[data-role=encode-form] input[name=text]"));
			text.clear();
			text.sendKeys("Hello");
			new Select(driver.findElement(By.cssSelector("[data-role=encode-form] select[name=opcode]")))
				.selectByValue("9");
			driver.findElement(By.cssSelector("[data-role=encode-form] input[name=mask]")).click();
			driver.findElement(By.cssSelector("[data-role=encode-form] button[type=submit]")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBe(By.cssSelector("[data-role=encoded-hex]"), "89 05 48 65 6c 6c 6f"));
			assertThat(driver.findElements(By.cssSelector("[data-role=encode-result] [data-segment=key]"))).isEmpty();
			assertThat(
					driver.findElement(By.cssSelector("[data-role=encode-result] [data-field=maskingKey]")).getText())
				.isEqualTo("none (unmasked)");
			driver.findElement(By.xpath("//button[contains(., 'Decode these bytes')]")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBe(By.cssSelector("[data-role=decode-result] [data-field=opcode]"),
						"0x9 ping"));

			// 3 · a truncated example says what is wrong
			driver.findElement(By.cssSelector("[data-example='827e0100']")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-role=decode-error]"),
						"truncated payload"));

			// 4 · the live raw server, and user text stays text
			driver.findElement(By.cssSelector("[data-action=connect]")).click();
			browser.waiting(WAIT).until(ExpectedConditions.textToBe(By.cssSelector("[data-role=status]"), "open"));
			String hostile = "<img src=x onerror=\"window.pwned=1\">";
			WebElement message = driver.findElement(By.cssSelector("[data-role=raw-form] input[name=text]"));
			message.clear();
			message.sendKeys(hostile);
			driver.findElement(By.cssSelector("[data-role=raw-form] button[type=submit]")).click();
			By lastText = By.cssSelector("[data-role=raw-log] li:first-child [data-field=text]");
			browser.waiting(WAIT).until(ExpectedConditions.textToBe(lastText, hostile));
			assertThat(driver.findElement(By.cssSelector("[data-role=raw-log] li:first-child [data-field=maskingKey]"))
				.getText()).matches("[0-9a-f]{8}");
			assertThat(((JavascriptExecutor) driver).executeScript("return window.pwned === undefined"))
				.isEqualTo(true);

			driver.findElement(By.cssSelector("[data-send='70000']")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBe(
						By.cssSelector("[data-role=raw-log] li:first-child [data-field=payloadLength]"),
						"70000 bytes, 64-bit encoding"));

			driver.findElement(By.cssSelector("[data-action=disconnect]")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-role=status]"),
						"closed (1000"));
		}
	}

	private HttpResponse<String> postJson(String path, String json) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
