package io.pushlab.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The excerpts come from the sources the build copied into {@code source/}, and a missing
 * or unclosed region is refused.
 */
class CodeExcerptsTests {

	@Test
	void everyTechniqueHasItsMarkedRegionInTheCopiedSources() {
		CodeExcerpts excerpts = CodeExcerpts.load(getClass().getClassLoader());
		assertThat(excerpts.get("polling").code()).startsWith("@GetMapping(\"/api/rooms/{room}/messages\")")
			.contains("public ResponseEntity<byte[]> poll(")
			.doesNotContain("@excerpt", "@end");
		assertThat(excerpts.get("polling").file()).isEqualTo("ShortPollingController.java");
		assertThat(excerpts.get("longpolling").code()).contains("@GetMapping(\"/api/rooms/{room}/longpoll\")",
				"DeferredResult<");
		assertThat(excerpts.get("sse").code()).contains("@GetMapping(\"/api/rooms/{room}/events\")", "Last-Event-ID");
		assertThat(excerpts.get("websocket").code()).contains("public void afterConnectionEstablished(",
				"protected void handleTextMessage(", "public void afterConnectionClosed(", "// …");
		assertThat(excerpts.get("websocket").file()).isEqualTo("ChatWebSocketHandler.java");
		assertThatIllegalArgumentException().isThrownBy(() -> excerpts.get("nope"));
	}

	@Test
	void regionsAreCutUnindentedAndJoined() {
		String source = "class A {\n\t// @excerpt x\n\tvoid a() {\n\t\tb();\n\t}\n\t// @end\n\tvoid c() {}\n"
				+ "\t// @excerpt x\n\tvoid d() {}\n\t// @end\n}\n";
		assertThat(CodeExcerpts.cut(source, "x")).isEqualTo("void a() {\n    b();\n}\n\n// …\n\nvoid d() {}");
	}

	@Test
	void aMissingOrUnclosedRegionIsNoExcerpt() {
		assertThat(CodeExcerpts.cut("class A {\n}\n", "x")).isNull();
		assertThat(CodeExcerpts.cut("// @excerpt x\nvoid a() {}\n", "x")).isNull();
		assertThat(CodeExcerpts.cut("// @excerpt x\n// @end\n", "x")).isNull();
		assertThat(CodeExcerpts.cut("// @excerpt y\nvoid a() {}\n// @end\n", "x")).isNull();
	}

}
