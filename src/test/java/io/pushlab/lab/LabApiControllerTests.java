package io.pushlab.lab;

import java.util.Map;

import io.pushlab.config.PushLabProperties;
import io.pushlab.stats.Rejections;
import io.pushlab.web.ApiExceptionHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class LabApiControllerTests {

	private static final int MAX_MESSAGE_BYTES = 70_000;

	private final MockMvc mvc = MockMvcBuilders
		.standaloneSetup(new LabApiController(properties(MAX_MESSAGE_BYTES), JsonMapper.builder().build()))
		.setControllerAdvice(new ApiExceptionHandler(new Rejections(new SimpleMeterRegistry())))
		.build();

	@Test
	void handshakeShowsEveryStep() throws Exception {
		post("/api/lab/handshake", "{\"key\": \"dGhlIHNhbXBsZSBub25jZQ==\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.key").value("dGhlIHNhbXBsZSBub25jZQ=="))
			.andExpect(jsonPath("$.concatenated").value("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
			.andExpect(jsonPath("$.sha1Hex").value("b37a4f2cc0624f1690f64606cf385945b2bec4ea"))
			.andExpect(jsonPath("$.accept").value("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
	}

	@Test
	void handshakeNeedsAWellFormedKey() throws Exception {
		problem(post("/api/lab/handshake", "{\"key\": \"hello\"}"), 400, "key: must be 16 bytes in base64");
		problem(post("/api/lab/handshake", "{}"), 400, "key: must be 16 bytes in base64");
		problem(post("/api/lab/handshake", "{\"key\": 16}"), 400, "key: must be a string");
		problem(post("/api/lab/handshake", "not json"), 400, "body: must be a JSON object with key");
	}

	@Test
	void encodeMasksByDefault() throws Exception {
		post("/api/lab/frames/encode", "{\"text\": \"Hello\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.hex").value(matchesPattern("8185[0-9a-f]{8}[0-9a-f]{10}")))
			.andExpect(jsonPath("$.frame.fin").value(true))
			.andExpect(jsonPath("$.frame.opcode").value(1))
			.andExpect(jsonPath("$.frame.masked").value(true))
			.andExpect(jsonPath("$.frame.maskingKey").value(matchesPattern("[0-9a-f]{8}")))
			.andExpect(jsonPath("$.frame.payloadLength").value(5))
			.andExpect(jsonPath("$.frame.lengthEncoding").value("7-bit"))
			.andExpect(jsonPath("$.frame.text").value("Hello"));
	}

	@Test
	void encodeUnmaskedGivesTheRfcBytes() throws Exception {
		post("/api/lab/frames/encode", "{\"text\": \"Hello\", \"mask\": false}").andExpect(status().isOk())
			.andExpect(jsonPath("$.hex").value("810548656c6c6f"))
			.andExpect(jsonPath("$.frame.maskingKey").value(nullValue()))
			.andExpect(jsonPath("$.frame.headerHex").value("8105"))
			.andExpect(jsonPath("$.frame.payloadHex").value("48656c6c6f"));
		post("/api/lab/frames/encode", "{\"text\": \"Hel\", \"mask\": false, \"fin\": false}")
			.andExpect(jsonPath("$.hex").value("010348656c"));
		post("/api/lab/frames/encode", "{\"text\": \"Hello\", \"mask\": false, \"opcode\": 9}")
			.andExpect(jsonPath("$.hex").value("890548656c6c6f"));
		post("/api/lab/frames/encode", "{\"text\": \"bye\", \"mask\": false, \"opcode\": 8}")
			.andExpect(jsonPath("$.hex").value("880503e8627965"))
			.andExpect(jsonPath("$.frame.closeCode").value(1000))
			.andExpect(jsonPath("$.frame.text").value("bye"));
	}

	@Test
	void encodeChoosesTheLengthEncoding() throws Exception {
		post("/api/lab/frames/encode", "{\"text\": \"" + "a".repeat(126) + "\", \"mask\": false, \"opcode\": 2}")
			.andExpect(jsonPath("$.hex").value(startsWith("827e007e61")))
			.andExpect(jsonPath("$.frame.lengthEncoding").value("16-bit"))
			.andExpect(jsonPath("$.frame.text").value(nullValue()));
		post("/api/lab/frames/encode", "{\"text\": \"" + "a".repeat(65536) + "\"}")
			.andExpect(jsonPath("$.hex").value(startsWith("81ff0000000000010000")))
			.andExpect(jsonPath("$.frame.lengthEncoding").value("64-bit"));
	}

	@Test
	void encodeFollowsTheRfc() throws Exception {
		problem(post("/api/lab/frames/encode", "{}"), 400, "text: is required");
		problem(post("/api/lab/frames/encode", "{\"text\": \"x\", \"opcode\": 3}"), 400, "opcode: must be 0, 1, 2");
		problem(post("/api/lab/frames/encode", "{\"text\": \"x\", \"opcode\": \"1\"}"), 400,
				"opcode: must be a whole number");
		problem(post("/api/lab/frames/encode", "{\"text\": \"x\", \"mask\": \"yes\"}"), 400,
				"mask: must be true or false");
		problem(post("/api/lab/frames/encode", "{\"text\": \"" + "p".repeat(126) + "\", \"opcode\": 9}"), 400,
				"text: a control frame's payload must be at most 125 bytes");
		problem(post("/api/lab/frames/encode", "{\"text\": \"x\", \"opcode\": 9, \"fin\": false}"), 400,
				"fin: control frames must not be fragmented");
		problem(post("/api/lab/frames/encode", "{\"text\": \"x\", \"opcode\": 8, \"closeCode\": 1005}"), 400,
				"closeCode: must be 1000-1003");
		problem(post("/api/lab/frames/encode", "{\"text\": \"" + "a".repeat(MAX_MESSAGE_BYTES + 1) + "\"}"), 400,
				"text: the payload must be at most 70000 bytes");
	}

	@Test
	void decodeDescribesOneFrame() throws Exception {
		post("/api/lab/frames/decode", "{\"hex\": \"81 85 37 FA 21 3D\\n7f 9f 4d 51 58\"}").andExpect(status().isOk())
			.andExpect(content().json("{\"fin\": true, \"opcode\": 1, \"masked\": true, \"maskingKey\": \"37fa213d\","
					+ " \"payloadLength\": 5, \"lengthEncoding\": \"7-bit\", \"headerHex\": \"818537fa213d\","
					+ " \"payloadHex\": \"7f9f4d5158\", \"text\": \"Hello\"}", true));
	}

	@Test
	void decodeSaysWhatIsWrongWithTheBytes() throws Exception {
		problem(post("/api/lab/frames/decode", "{\"hex\": \"810\"}"), 400, "hex: odd number of hex digits (3)");
		problem(post("/api/lab/frames/decode", "{\"hex\": \"81zz\"}"), 400, "hex: not a hex digit at position 2");
		problem(post("/api/lab/frames/decode", "{\"hex\": \"81\"}"), 400, "hex: truncated header");
		problem(post("/api/lab/frames/decode", "{\"hex\": \"\"}"), 400, "hex: truncated header");
		problem(post("/api/lab/frames/decode", "{\"hex\": \"827e0100\"}"), 400,
				"hex: truncated payload: the header announces 256 bytes, got 0");
		problem(post("/api/lab/frames/decode", "{\"hex\": \"8100ff\"}"), 400, "hex: 1 byte after the end of the frame");
		problem(post("/api/lab/frames/decode", "{}"), 400, "hex: is required");
	}

	@Test
	void decodeFlagsALengthNotInItsShortestForm() throws Exception {
		post("/api/lab/frames/decode", "{\"hex\": \"817e000548656c6c6f\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.lengthEncoding").value("16-bit"))
			.andExpect(jsonPath("$.lengthNote").value(startsWith("not minimal: 5 bytes fit the 7 bits of byte 1")));
	}

	@Test
	void decodeFlagsATextThatIsNotUtf8() throws Exception {
		post("/api/lab/frames/decode", "{\"hex\": \"8102ffff\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.text").value("\ufffd\ufffd"))
			.andExpect(jsonPath("$.textNote").value(startsWith("not valid UTF-8 (RFC 6455 §8.1)")));
		// a close reason too
		post("/api/lab/frames/decode", "{\"hex\": \"880303e8c3\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.closeCode").value(1000))
			.andExpect(jsonPath("$.textNote").value(startsWith("not valid UTF-8")));
		// valid text, and a first fragment that ends inside a character, are not flagged
		post("/api/lab/frames/decode", "{\"hex\": \"8103e4bda0\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.text").value("你"))
			.andExpect(jsonPath("$.textNote").doesNotExist());
		post("/api/lab/frames/decode", "{\"hex\": \"0102e4bd\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.textNote").doesNotExist());
	}

	@Test
	void decodeFlagsAFrameThatBreaksTheHeaderOrCloseRules() throws Exception {
		// a ping of 126 bytes
		post("/api/lab/frames/decode", "{\"hex\": \"897e007e" + "00".repeat(126) + "\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.opcode").value(9))
			.andExpect(jsonPath("$.ruleNote")
				.value(startsWith("breaks RFC 6455: a control frame carries at most 125 bytes, this one 126 (§5.5)")));
		// a close frame whose body is one byte
		post("/api/lab/frames/decode", "{\"hex\": \"880103\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.ruleNote").value(containsString("2-byte status code (§5.5.1)")));
		// RSV bits and a reserved opcode
		post("/api/lab/frames/decode", "{\"hex\": \"ff00\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.ruleNote").value(containsString("RSV bits set with no extension negotiated (§5.2)")))
			.andExpect(jsonPath("$.ruleNote").value(containsString("reserved opcode 0xF (§5.2)")))
			.andExpect(jsonPath("$.ruleNote").value(endsWith("fails the connection with 1002")));
		// a fragmented ping, and a close code no endpoint may send
		post("/api/lab/frames/decode", "{\"hex\": \"0900\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.ruleNote").value(containsString("must not be fragmented (§5.5)")));
		post("/api/lab/frames/decode", "{\"hex\": \"880203ed\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.closeCode").value(1005))
			.andExpect(jsonPath("$.ruleNote").value(containsString("close code 1005 may not be sent")));
		// a good close frame and a good text frame are not flagged
		post("/api/lab/frames/decode", "{\"hex\": \"880203e8\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.ruleNote").doesNotExist());
		post("/api/lab/frames/decode", "{\"hex\": \"8102hi\"}".replace("hi", "6869")).andExpect(status().isOk())
			.andExpect(jsonPath("$.ruleNote").doesNotExist());
	}

	@Test
	void handshakeCheckJudgesAResponseAsABrowserDoes() throws Exception {
		String preRfc = "HTTP/1.1 101 Web Socket Protocol Handshake\\r\\nUpgrade: WebSocket\\r\\n"
				+ "Connection: Upgrade\\r\\nWebSocket-Location: ws://localhost:9527/\\r\\n\\r\\n";
		post("/api/lab/handshake/check", "{\"key\": \"tDXVE3a5pXSFEKGPT01PWQ==\", \"response\": \"" + preRfc + "\"}")
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.opens").value(false))
			.andExpect(jsonPath("$.summary").value(startsWith(
					"The browser fails the WebSocket connection (RFC 6455 §4.1): Sec-WebSocket-Accept is missing")))
			.andExpect(jsonPath("$.checks[4].name").value("accept"))
			.andExpect(jsonPath("$.checks[4].passed").value(false))
			.andExpect(jsonPath("$.notes[0]").value(startsWith("WebSocket-Location: ws://localhost:9527/ is a header")))
			.andExpect(jsonPath("$.expected.accept").value("lTyXg6MWoLSGimIUQ212dv1CbS4="));
		String right = "HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
				+ "Sec-WebSocket-Accept: lTyXg6MWoLSGimIUQ212dv1CbS4=\\r\\n\\r\\n";
		post("/api/lab/handshake/check", "{\"key\": \"tDXVE3a5pXSFEKGPT01PWQ==\", \"response\": \"" + right + "\"}")
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.opens").value(true))
			.andExpect(jsonPath("$.notes").isEmpty());
	}

	@Test
	void handshakeCheckNeedsAKeyAndAResponse() throws Exception {
		problem(post("/api/lab/handshake/check", "{\"key\": \"x\", \"response\": \"HTTP/1.1 101\"}"), 400,
				"key: must be 16 bytes in base64");
		problem(post("/api/lab/handshake/check", "{\"key\": \"dGhlIHNhbXBsZSBub25jZQ==\"}"), 400,
				"response: is required");
		problem(post("/api/lab/handshake/check",
				"{\"key\": \"dGhlIHNhbXBsZSBub25jZQ==\", \"response\": \"" + "a".repeat(8193) + "\"}"), 400,
				"response: must be at most 8192 characters");
		problem(post("/api/lab/handshake/check",
				"{\"key\": \"dGhlIHNhbXBsZSBub25jZQ==\", \"response\": \"" + "a".repeat(70_000) + "\"}"), 413,
				"body: must be at most 65536 bytes");
	}

	@Test
	void lengthsSetTheTutorialsEncoderBesidePushLabs() throws Exception {
		post("/api/lab/frames/lengths", "{\"lengths\": [126, 200]}").andExpect(status().isOk())
			.andExpect(content().json("{\"lengths\": [{\"length\": 126,"
					+ " \"tutorial\": {\"headerHex\": \"817e007e\", \"lengthEncoding\": \"16-bit\", \"decodedLength\": 126,"
					+ " \"lengthNote\": null},"
					+ " \"pushlab\": {\"headerHex\": \"817e007e\", \"lengthEncoding\": \"16-bit\", \"decodedLength\": 126,"
					+ " \"lengthNote\": null}}, {\"length\": 200,"
					+ " \"tutorial\": {\"headerHex\": \"817f00000000000000c8\", \"lengthEncoding\": \"64-bit\","
					+ " \"decodedLength\": 200},"
					+ " \"pushlab\": {\"headerHex\": \"817e00c8\", \"lengthEncoding\": \"16-bit\", \"decodedLength\": 200,"
					+ " \"lengthNote\": null}}]}"))
			.andExpect(jsonPath("$.lengths[1].tutorial.lengthNote").value(startsWith("not minimal: 200 bytes fit 7e")));
	}

	@Test
	void lengthsAreBounded() throws Exception {
		problem(post("/api/lab/frames/lengths", "{}"), 400, "lengths: must be a list of 1 to 8");
		problem(post("/api/lab/frames/lengths", "{\"lengths\": []}"), 400, "lengths: must be a list of 1 to 8");
		problem(post("/api/lab/frames/lengths", "{\"lengths\": [1,2,3,4,5,6,7,8,9]}"), 400,
				"lengths: must be a list of 1 to 8");
		problem(post("/api/lab/frames/lengths", "{\"lengths\": [65537]}"), 400,
				"lengths: each must be a whole number from 0 to 65536");
		problem(post("/api/lab/frames/lengths", "{\"lengths\": [-1]}"), 400, "lengths: each must be");
		problem(post("/api/lab/frames/lengths", "{\"lengths\": [\"200\"]}"), 400, "lengths: each must be");
	}

	@Test
	void readsSetTheTutorialsDecoderBesidePushLabs() throws Exception {
		post("/api/lab/frames/reads", "{\"reads\": [\"01 83 37 fa 21 3d 7f 9f 4d\", \"808237fa213d5b95\"]}")
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.reads[0].hex").value("018337fa213d7f9f4d"))
			.andExpect(jsonPath("$.reads[0].tutorial.text").value("Hel"))
			.andExpect(jsonPath("$.reads[0].tutorial.error").value(nullValue()))
			.andExpect(jsonPath("$.reads[0].pushlab.frames[0].fin").value(false))
			.andExpect(jsonPath("$.reads[0].pushlab.messages").isEmpty())
			.andExpect(jsonPath("$.reads[0].pushlab.waiting").value(startsWith("the rest of the message")))
			.andExpect(jsonPath("$.reads[0].pushlab.failure").value(nullValue()))
			.andExpect(jsonPath("$.reads[1].tutorial.text").value("lo"))
			.andExpect(jsonPath("$.reads[1].pushlab.messages[0].text").value("Hello"))
			.andExpect(jsonPath("$.reads[1].pushlab.messages[0].fragments").value(2))
			.andExpect(jsonPath("$.reads[1].pushlab.waiting").value(nullValue()));
	}

	@Test
	void readsAreBounded() throws Exception {
		problem(post("/api/lab/frames/reads", "{}"), 400, "reads: must be a list of 1 to 16 hex strings");
		problem(post("/api/lab/frames/reads", "{\"reads\": [\"81\", 5]}"), 400, "reads[1]: must be a hex string");
		problem(post("/api/lab/frames/reads", "{\"reads\": [\"8\"]}"), 400, "reads[0]: odd number of hex digits");
		problem(post("/api/lab/frames/reads",
				"{\"reads\": [\"" + "00".repeat(10_000) + "\", \"" + "00".repeat(7_000) + "\"]}"), 400,
				"reads: must hold at most 16384 bytes in all");
	}

	@Test
	void bodiesHaveALimit() throws Exception {
		String huge = "{\"hex\": \"" + "00".repeat(MAX_MESSAGE_BYTES + 40_000) + "\"}";
		problem(post("/api/lab/frames/decode", huge), 413, "body: must be at most");
	}

	private ResultActions post(String path, String json) throws Exception {
		return this.mvc
			.perform(MockMvcRequestBuilders.post(path).contentType(MediaType.APPLICATION_JSON).content(json));
	}

	private static void problem(ResultActions result, int status, String detail) throws Exception {
		result.andExpect(status().is(status))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(status))
			.andExpect(jsonPath("$.detail").value(startsWith(detail)));
	}

	static PushLabProperties properties(int maxMessageBytes) {
		return properties(Map.of("pushlab.raw-websocket.port", "0", "pushlab.raw-websocket.max-message-bytes",
				String.valueOf(maxMessageBytes), "pushlab.raw-websocket.bind-address", "127.0.0.1"));
	}

	/** The settings as the app would bind them: the defaults plus {@code overrides}. */
	static PushLabProperties properties(Map<String, String> overrides) {
		return new Binder(new MapConfigurationPropertySource(overrides)).bindOrCreate("pushlab",
				PushLabProperties.class);
	}

}
