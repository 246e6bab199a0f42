package io.pushlab.websocket;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names that imitate others (UTS #39): a confusable mix of scripts fails the handshake,
 * and a look-alike of a name in use is closed with 4009.
 */
@ChatServerTest
class ConfusableNameTests {

	@LocalServerPort
	int port;

	@Test
	void aNameMixingLatinAndCyrillicFailsTheHandshake() {
		// "pаypal" with a Cyrillic а (U+0430)
		assertThat(ChatClient.refusedHandshake(this.port, "p\u0430ypal", Map.of())).isEqualTo(403);
		assertThat(ChatClient.refusedHandshake(this.port, "g\u03bfogle", Map.of())).as("a Greek omicron")
			.isEqualTo(403);
	}

	@Test
	void singleScriptNamesAreWelcome() {
		for (String name : List.of("Zoë", "李雷", "Иван")) {
			try (ChatClient client = ChatClient.connect(this.port, name)) {
				client.join("lobby");
				client.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
				assertThat(client.isClosed()).as(name).isFalse();
			}
		}
	}

	@Test
	void aLookAlikeOfANameInUseIsRefused() {
		String name = NameGraceTests.randomName("ledger");
		// l → 1 and l → I look the same: all three have one skeleton
		String digit = "1" + name.substring(1);
		String capitalI = "I" + name.substring(1);
		try (ChatClient owner = ChatClient.connect(ChatClient.browser(this.port), this.port, name);
				ChatClient one = ChatClient.connect(ChatClient.browser(this.port), this.port, digit);
				ChatClient eye = ChatClient.connect(this.port, capitalI)) {
			assertThat(one.awaitClose()).isEqualTo(4009);
			assertThat(one.closeReason()).isEqualTo("name looks like one in use");
			assertThat(eye.awaitClose()).isEqualTo(4009);
			owner.join("lobby");
			owner.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
			assertThat(owner.isClosed()).isFalse();
		}
	}

}
