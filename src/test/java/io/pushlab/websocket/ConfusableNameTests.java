package io.pushlab.websocket;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names that imitate others (UTS #39): a confusable mix of scripts fails the handshake, a
 * look-alike or case variant of a name in use is closed with 4009, and an invisible name
 * fails the handshake; {@code GET /api/names/check} gives the handshake's verdict on a
 * name beforehand.
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
	void theNameCheckGivesTheHandshakesVerdictAndWhy() {
		Api api = new Api(this.port);
		JsonNode confusable = check(api, "p\u0430ypal");
		assertThat(confusable.path("valid").asBoolean()).isFalse();
		assertThat(confusable.path("detail").asString()).startsWith("user: mixes scripts");
		JsonNode spaced = check(api, "a b");
		assertThat(spaced.path("valid").asBoolean()).isFalse();
		assertThat(spaced.path("detail").asString()).isEqualTo("user: must be 1 to 32 letters, digits, _ . or -");
		JsonNode missing = api.getJson("/api/names/check");
		assertThat(missing.path("valid").asBoolean()).isFalse();
		for (String name : List.of("Zo\u00eb", "\u674e\u96f7", "alice")) {
			JsonNode fine = check(api, name);
			assertThat(fine.path("valid").asBoolean()).as(name).isTrue();
			assertThat(fine.path("detail").isNull()).as(name).isTrue();
		}
	}

	private static JsonNode check(Api api, String name) {
		return api.getJson("/api/names/check?user=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
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

	@Test
	void aCaseVariantOfANameInUseIsRefusedForChatAndPostAndPrivateMessagesAreNotRerouted() {
		String lower = NameGraceTests.randomName("carol");
		String owner = "C" + lower.substring(1);
		String shouting = lower.toUpperCase(Locale.ROOT);
		// a capital I with a dot above (U+0130) for the i of a lower-case name
		String dotted = NameGraceTests.randomName("alice").replace('i', '\u0130');
		try (ChatClient carol = ChatClient.connect(ChatClient.browser(this.port), this.port, owner);
				ChatClient alice = ChatClient.connect(ChatClient.browser(this.port), this.port,
						dotted.replace('\u0130', 'i'));
				ChatClient sender = ChatClient.connect(this.port, NameGraceTests.randomName("sender"))) {
			carol.join("lobby");
			carol.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
			alice.join("lobby");
			alice.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
			for (String variant : List.of(lower, shouting, dotted)) {
				try (ChatClient impostor = ChatClient.connect(ChatClient.browser(this.port), this.port, variant)) {
					assertThat(impostor.awaitClose()).as(variant).isEqualTo(4009);
					assertThat(impostor.closeReason()).isEqualTo("name looks like one in use");
				}
			}
			HttpResponse<String> post = new Api(this.port).post("/api/rooms/lobby/messages",
					"{\"from\":\"" + shouting + "\",\"text\":\"hi\"}");
			assertThat(post.statusCode()).isEqualTo(409);
			assertThat(Api.parse(post.body()).path("detail").asString())
				.startsWith("from: " + shouting + " looks like the name of a connected chat user");
			sender.send("type", "private", "to", lower, "text", "for carol?", "nonce", "p1");
			JsonNode error = sender.awaitReply("error", "p1");
			assertThat(error.path("code").asString()).isEqualTo("user_offline");
			assertThat(error.path("message").asString()).startsWith("to: " + lower + " is not connected (a name that")
				.contains("differs only in case");
			sender.send("type", "private", "to", owner, "text", "for Carol", "nonce", "p2");
			assertThat(carol.awaitFrame((frame) -> "private".equals(frame.path("type").asString()))
				.path("text")
				.asString()).isEqualTo("for Carol");
			assertThat(carol.frames("private")).hasSize(1);
			assertThat(carol.isClosed()).isFalse();
			assertThat(alice.isClosed()).isFalse();
		}
	}

	@Test
	void anInvisibleNameFailsTheHandshake() {
		// U+3164 HANGUL FILLER is a letter (Lo) that shows nothing
		assertThat(ChatClient.refusedHandshake(this.port, "\u3164", Map.of())).isEqualTo(403);
		assertThat(ChatClient.refusedHandshake(this.port, "bob\uFFA0", Map.of())).isEqualTo(403);
	}

}
