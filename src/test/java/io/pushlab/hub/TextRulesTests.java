package io.pushlab.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The text and nonce rules of {@link MessageRules}. */
class TextRulesTests {

	private final MessageRules rules = new MessageRules(5);

	@Test
	void aTextIsCountedInCharactersNotUtf16Units() {
		assertThat(this.rules.checkText("text", "😀😀😀😀😀")).isNull();
		assertThat(this.rules.checkText("text", "😀😀😀😀😀😀"))
			.isEqualTo("text: must be 1 to 5 characters, not blank");
	}

	@Test
	void aTextThatShowsNothingIsBlank() {
		for (String blank : new String[] { "", " \t\n", "\u00a0", "\u3000", "\u2007\u202f", "\u200b", "\ufeff",
				"\u2060 ", "\u3164", "\u115f\u1160", "\uffa0", "\u034f", "\u180e " }) {
			assertThat(this.rules.checkText("text", blank)).as("U+%04X", blank.isEmpty() ? 0 : (int) blank.charAt(0))
				.isEqualTo("text: must be 1 to 5 characters, not blank");
		}
		assertThat(this.rules.checkText("text", "\u00a0a")).isNull();
		assertThat(this.rules.checkText("text", "\u200bx")).isNull();
		assertThat(this.rules.checkText("text", "。")).isNull();
		assertThat(this.rules.checkText("text", "\u3164\uD55C")).isNull();
	}

	@Test
	void halfASurrogatePairIsRefused() {
		assertThat(this.rules.checkText("text", "x\ud800y")).startsWith("text: must be well-formed Unicode");
		assertThat(this.rules.checkText("text", "\udc00")).startsWith("text: must be well-formed Unicode");
		assertThat(this.rules.checkText("text", "x\ud83d")).startsWith("text: must be well-formed Unicode");
		assertThat(MessageRules.checkNonce("nonce", "n\ude00")).startsWith("nonce: must be well-formed Unicode");
	}

	@Test
	void aNonceIsCountedInCharactersToo() {
		assertThat(MessageRules.checkNonce("nonce", null)).isNull();
		assertThat(MessageRules.checkNonce("nonce", "😀".repeat(64))).isNull();
		assertThat(MessageRules.checkNonce("nonce", "😀".repeat(65))).isEqualTo("nonce: must be at most 64 characters");
		assertThat(MessageRules.checkNonce("nonce", "n".repeat(65))).isEqualTo("nonce: must be at most 64 characters");
	}

}
