package io.pushlab.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.pushlab.rfc6455.Handshake;
import io.pushlab.rfc6455.tutorial.TutorialEncoder;
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

	/** Sec-WebSocket-Accept for the key of the tutorial's captured request. */
	private static final String TUTORIAL_ACCEPT = "lTyXg6MWoLSGimIUQ212dv1CbS4=";

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
			// the previous key's steps and exchange are cleared: they are not the result
			// for this key
			for (String step : new String[] { "key", "concatenated", "sha1Hex", "accept" }) {
				assertThat(driver.findElement(By.cssSelector("[data-step=" + step + "]")).getText()).as(step)
					.isEqualTo("—");
			}
			assertThat(driver.findElement(By.cssSelector("[data-role=request-key]")).getText()).isEqualTo("—");
			assertThat(driver.findElement(By.cssSelector("[data-role=response-accept]")).getText()).isEqualTo("—");

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

	@Test
	void theHandshakeExampleNamesThePathAndHostThePageReallyOpens() {
		try (Browser browser = Browser.open()) {
			WebDriver driver = browser.driver();
			driver.get("http://localhost:" + this.port + "/lab");
			browser.waiting(WAIT)
				.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-role=raw-url]"),
						"ws://localhost:"));
			// record the URL of every WebSocket the page opens
			((JavascriptExecutor) driver).executeScript("window.opened = []; const Native = window.WebSocket;"
					+ "window.WebSocket = class extends Native { constructor(url, protocols) {"
					+ " super(url, protocols); window.opened.push(String(url)); } };");
			driver.findElement(By.cssSelector("[data-action=connect]")).click();
			browser.waiting(WAIT).until(ExpectedConditions.textToBe(By.cssSelector("[data-role=status]"), "open"));
			List<?> opened = (List<?>) ((JavascriptExecutor) driver).executeScript("return window.opened;");
			assertThat(opened).hasSize(1);
			URI real = URI.create((String) opened.get(0));
			assertThat(driver.findElement(By.cssSelector("[data-role=raw-url]")).getText()).isEqualTo(real.toString());
			List<String> request = driver.findElement(By.cssSelector("pre.wire[aria-label=\"The client's request\"]"))
				.getText()
				.lines()
				.toList();
			assertThat(request.get(0)).isEqualTo("GET " + real.getPath() + " HTTP/1.1").isEqualTo("GET /lab HTTP/1.1");
			assertThat(request.get(1)).isEqualTo("Host: localhost:" + this.rawServer.port());
			assertThat(real.getPort()).isEqualTo(this.rawServer.port());
		}
	}

	@Test
	void theTutorialBugCardsDecodeTheirExamples() {
		try (Browser browser = Browser.open()) {
			WebDriver driver = browser.driver();
			driver.get("http://localhost:" + this.port + "/lab");

			// 1 · the length form: 64-bit for 127 and 200 bytes, flagged; PushLab's
			// 16-bit
			driver.findElement(By.cssSelector("[data-bug=length] [data-action=decode-bug]")).click();
			By tutorial200 = By.cssSelector("[data-bug=length] tr[data-length='200'] [data-role=tutorial-hex]");
			browser.waiting(WAIT).until(ExpectedConditions.textToBe(tutorial200, "81 7f 00 00 00 00 00 00 00 c8"));
			assertThat(text(driver, "[data-bug=length] tr[data-length='200'] [data-role=pushlab-hex]"))
				.isEqualTo("81 7e 00 c8");
			assertThat(text(driver, "[data-bug=length] tr[data-length='127'] [data-role=tutorial-hex]"))
				.isEqualTo("81 7f 00 00 00 00 00 00 00 7f");
			assertThat(text(driver, "[data-bug=length] tr[data-length='127'] [data-role=pushlab-hex]"))
				.isEqualTo("81 7e 00 7f");
			assertThat(text(driver, "[data-bug=length] tr[data-length='200'] [data-role=length-note]"))
				.isEqualTo("breaks §5.2 not minimal: 200 bytes fit 7e and a 16-bit length, but this frame uses 7f and a"
						+ " 64-bit length; RFC 6455 §5.2: \"the minimal number of bytes MUST be used to encode the length\"");
			assertThat(text(driver, "[data-bug=length] tr[data-length='200'] [data-field=pushlab] [data-role=verdict]"))
				.isEqualTo("shortest form");

			// 2 · one recv, one frame: the tutorial's results beside PushLab's
			driver.findElement(By.cssSelector("[data-bug=recv] [data-action=decode-bug]")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.presenceOfElementLocated(
						By.cssSelector("[data-bug=recv] [data-scenario=close] tr[data-read='1']")));
			assertThat(text(driver, "[data-scenario=coalesced] tr[data-read='1'] [data-field=tutorial]"))
				.startsWith("crashes UnicodeDecodeError: byte 0xa3 at position 6 is not valid UTF-8")
				.contains("unmasked bytes: 48 65 6c 6c 6f 7b a3");
			assertThat(text(driver, "[data-scenario=coalesced] tr[data-read='1'] [data-field=pushlab]"))
				.isEqualTo("message “Hello”\nmessage “Hi”");
			assertThat(text(driver, "[data-scenario=split] tr[data-read='1'] [data-field=tutorial]"))
				.isEqualTo("one message: “He”");
			assertThat(text(driver, "[data-scenario=split] tr[data-read='1'] [data-field=pushlab]"))
				.isEqualTo("waits for truncated payload: the header announces 5 bytes, got 2");
			assertThat(text(driver, "[data-scenario=split] tr[data-read='2'] [data-field=tutorial]"))
				.isEqualTo("one message: “”");
			assertThat(text(driver, "[data-scenario=split] tr[data-read='2'] [data-field=pushlab]"))
				.isEqualTo("message “Hello”");
			assertThat(text(driver, "[data-scenario=fragmented] tr[data-read='1'] [data-field=tutorial]"))
				.isEqualTo("one message: “Hel”");
			assertThat(text(driver, "[data-scenario=fragmented] tr[data-read='1'] [data-field=pushlab]"))
				.startsWith("text frame with FIN=0: the first part of a message\nwaits for the rest of the message");
			assertThat(text(driver, "[data-scenario=fragmented] tr[data-read='2'] [data-field=tutorial]"))
				.isEqualTo("one message: “lo”");
			assertThat(text(driver, "[data-scenario=fragmented] tr[data-read='2'] [data-field=pushlab]"))
				.isEqualTo("message “Hello” (2 fragments joined)");
			assertThat(text(driver, "[data-scenario=close] tr[data-read='1'] [data-field=tutorial]"))
				.startsWith("crashes UnicodeDecodeError: byte 0xe9 at position 1");
			assertThat(text(driver, "[data-scenario=close] tr[data-read='1'] [data-field=pushlab]"))
				.isEqualTo("close frame, code 1001: answer it and close");

			// 3 · the handshake: the draft-era answer fails, the tutorial's and PushLab's
			// open
			driver.findElement(By.cssSelector("[data-bug=handshake] [data-action=decode-bug]")).click();
			browser.waiting(WAIT)
				.until(ExpectedConditions.presenceOfElementLocated(
						By.cssSelector("[data-bug=handshake] [data-scenario=pushlab] [data-role=summary]")));
			assertThat(text(driver, "[data-scenario=pre-rfc] [data-role=verdict]")).isEqualTo("the browser fails it");
			assertThat(text(driver, "[data-scenario=pre-rfc] [data-check=accept]"))
				.isEqualTo("✗ accept: Sec-WebSocket-Accept is missing; it must be base64(SHA-1(key + \""
						+ Handshake.GUID + "\")) = " + TUTORIAL_ACCEPT + " (RFC 6455 §4.1, §4.2.2)");
			assertThat(text(driver, "[data-scenario=pre-rfc] [data-role=summary]"))
				.startsWith(
						"The browser fails the WebSocket connection (RFC 6455 §4.1): Sec-WebSocket-Accept is missing")
				.endsWith("The page sees error, then close with code 1006.");
			assertThat(driver.findElements(By.cssSelector("[data-scenario=pre-rfc] [data-role=note]")))
				.extracting(WebElement::getText)
				.containsExactly(
						"note: WebSocket-Origin: http://127.0.0.1:5000 is a header of the pre-RFC drafts (draft-hixie-75/76);"
								+ " RFC 6455 does not define it, and a browser ignores it",
						"note: WebSocket-Location: ws://127.0.0.1:9527 is a header of the pre-RFC drafts (draft-hixie-75/76);"
								+ " RFC 6455 does not define it, and a browser ignores it");
			assertThat(text(driver, "[data-scenario=tutorial] [data-role=verdict]")).isEqualTo("the browser opens it");
			assertThat(text(driver, "[data-scenario=tutorial] [data-check=accept]"))
				.startsWith("✓ accept: Sec-WebSocket-Accept: " + TUTORIAL_ACCEPT + " — right");
			assertThat(driver.findElements(By.cssSelector("[data-scenario=tutorial] [data-role=note]"))).hasSize(1);
			assertThat(text(driver, "[data-scenario=pushlab] [data-role=verdict]")).isEqualTo("the browser opens it");
			assertThat(text(driver, "[data-scenario=pushlab] pre.wire"))
				.contains("Sec-WebSocket-Accept: " + TUTORIAL_ACCEPT);
			assertThat(driver.findElements(By.cssSelector("[data-scenario=pushlab] [data-role=note]"))).isEmpty();
			assertThat(driver.findElements(By.cssSelector("[data-bug] [data-role=bug-error]")))
				.allSatisfy((error) -> assertThat(error.isDisplayed()).isFalse());
		}
	}

	/**
	 * What the cards say a browser does, checked against Chromium itself: a scripted
	 * server answers each way, and the page's own WebSocket reports what happened.
	 */
	@Test
	void chromiumDoesWhatTheTutorialBugCardsSay() throws Exception {
		try (ScriptedServer server = new ScriptedServer(); Browser browser = Browser.open()) {
			WebDriver driver = browser.driver();
			driver.get("http://localhost:" + this.port + "/lab");
			assertThat(openAndRecord(driver, server, "pre-rfc")).isEqualTo("error,close 1006");
			assertThat(openAndRecord(driver, server, "tutorial")).isEqualTo("open,close 1000");
			assertThat(openAndRecord(driver, server, "length-16")).isEqualTo("open,message 200,close 1000");
			assertThat(openAndRecord(driver, server, "length-64")).isEqualTo("open,error,close 1006");
		}
	}

	private static String openAndRecord(WebDriver driver, ScriptedServer server, String mode) {
		return (String) ((JavascriptExecutor) driver).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				const events = [];
				const socket = new WebSocket(arguments[0]);
				socket.onopen = () => events.push('open');
				socket.onmessage = (event) => events.push('message ' + event.data.length);
				socket.onerror = () => events.push('error');
				socket.onclose = (event) => done(events.concat('close ' + event.code).join(','));
				""", "ws://127.0.0.1:" + server.port() + "/" + mode);
	}

	/**
	 * Answers each WebSocket handshake as its path says: {@code pre-rfc} (draft headers,
	 * no Sec-WebSocket-Accept), {@code tutorial} (the tutorial's response, then a close
	 * frame), {@code length-16} and {@code length-64} (the tutorial's response, a
	 * 200-byte text frame in PushLab's or the tutorial's length form, then a close
	 * frame).
	 */
	private static final class ScriptedServer implements AutoCloseable {

		private final ServerSocket socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());

		private final Thread acceptor = new Thread(this::serve, "scripted-websocket-server");

		ScriptedServer() throws IOException {
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void serve() {
			while (!this.socket.isClosed()) {
				try (Socket client = this.socket.accept()) {
					answer(client);
				}
				catch (IOException ex) {
					// closed, or the browser went away: the next connection gets its
					// answer
				}
			}
		}

		private static void answer(Socket client) throws IOException {
			String head = readHead(client.getInputStream());
			String path = head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/"));
			String key = head.lines()
				.filter((line) -> line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18))
				.map((line) -> line.substring(18).trim())
				.findFirst()
				.orElseThrow();
			OutputStream out = client.getOutputStream();
			if (path.equals("/pre-rfc")) {
				out.write(("HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\n"
						+ "Connection: Upgrade\r\nWebSocket-Origin: http://127.0.0.1:5000\r\n"
						+ "WebSocket-Location: ws://127.0.0.1:9527\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			}
			else {
				out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade:websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Accept: " + Handshake.accept(key) + "\r\n"
						+ "WebSocket-Location: ws://127.0.0.1:9527\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				byte[] payload = new byte[200];
				Arrays.fill(payload, (byte) 'a');
				if (path.equals("/length-16")) {
					out.write(HexFormat.of().parseHex("817e00c8"));
					out.write(payload);
				}
				else if (path.equals("/length-64")) {
					out.write(TutorialEncoder.header(200));
					out.write(payload);
				}
				out.write(HexFormat.of().parseHex("880203e8"));
			}
			out.flush();
			// wait for the browser's close (or its end of the connection) before closing
			client.getInputStream().read(new byte[256]);
		}

		private static String readHead(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
				int b = in.read();
				if (b < 0) {
					throw new IOException("the browser closed before the end of its request");
				}
				head.write(b);
			}
			return head.toString(StandardCharsets.US_ASCII);
		}

		@Override
		public void close() throws Exception {
			this.socket.close();
			this.acceptor.join(5_000);
		}

	}

	private static String text(WebDriver driver, String css) {
		return driver.findElement(By.cssSelector(css)).getText();
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
