package io.pushlab.websocket;

import io.pushlab.hub.MessageRules;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ClientFramesTests {

	final ClientFrames frames = new ClientFrames(JsonMapper.builder().build(), new MessageRules(10));

	@Test
	void parsesEveryKindAndIgnoresFromAndUnknownFields() {
		assertThat(this.frames.parse("{\"type\":\"join\",\"room\":\"lobby\"}"))
			.isEqualTo(new ClientFrame.Join("lobby", null));
		assertThat(this.frames.parse("{\"type\":\"leave\",\"room\":\"lobby\",\"nonce\":\"n\"}"))
			.isEqualTo(new ClientFrame.Leave("lobby", "n"));
		assertThat(
				this.frames.parse("{\"type\":\"chat\",\"room\":\"a-1\",\"text\":\"hi\",\"from\":\"x\",\"extra\":[1]}"))
			.isEqualTo(new ClientFrame.Chat("a-1", "hi", null));
		assertThat(this.frames
			.parse("{\"type\":\"private\",\"to\":\"小明\",\"text\":\"hi\",\"nonce\":\"p\",\"from\":\"x\"}"))
			.isEqualTo(new ClientFrame.Private("小明", "hi", "p"));
	}

	@Test
	void mapsEachProblemToItsCodeAndKeepsTheNonce() {
		assertRefused("nope", ErrorCode.BAD_JSON, null);
		assertRefused("{\"type\":\"chat\"} trailing", ErrorCode.BAD_JSON, null);
		assertRefused("[]", ErrorCode.BAD_JSON, null);
		assertRefused("", ErrorCode.BAD_JSON, null);
		assertRefused("{\"type\":\"join\",\"room\":\"lobby\",\"nonce\":[]}", ErrorCode.BAD_JSON, null);
		assertRefused("{\"type\":\"join\",\"room\":\"lobby\",\"nonce\":\"" + "n".repeat(65) + "\"}", ErrorCode.BAD_JSON,
				null);
		assertRefused("{\"type\":1,\"nonce\":\"n\"}", ErrorCode.UNKNOWN_TYPE, "n");
		assertRefused("{\"type\":\"CHAT\",\"nonce\":\"n\"}", ErrorCode.UNKNOWN_TYPE, "n");
		assertRefused("{\"type\":\"join\",\"room\":\"Lobby\",\"nonce\":\"n\"}", ErrorCode.INVALID_ROOM, "n");
		assertRefused("{\"type\":\"chat\",\"room\":\"lobby\",\"text\":\"12345678901\",\"nonce\":\"n\"}",
				ErrorCode.INVALID_TEXT, "n");
		assertRefused("{\"type\":\"chat\",\"room\":\"lobby\",\"text\":5,\"nonce\":\"n\"}", ErrorCode.INVALID_TEXT, "n");
		assertRefused("{\"type\":\"private\",\"to\":\"a b\",\"text\":\"x\",\"nonce\":\"n\"}", ErrorCode.USER_OFFLINE,
				"n");
	}

	private void assertRefused(String frame, ErrorCode code, String nonce) {
		assertThatExceptionOfType(FrameException.class).isThrownBy(() -> this.frames.parse(frame)).satisfies((ex) -> {
			assertThat(ex.code()).as(frame).isEqualTo(code);
			assertThat(ex.nonce()).isEqualTo(nonce);
			assertThat(ex.getMessage()).matches("^(frame|type|room|text|to|nonce): .+");
		});
	}

}
