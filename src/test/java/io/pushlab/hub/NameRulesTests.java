package io.pushlab.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The user name rules of {@link MessageRules}: the pattern, then UTS #39. */
class NameRulesTests {

	@Test
	void namesThatMixScriptsConfusablyAreRefused() {
		// a Cyrillic "а" (U+0430) among Latin letters
		assertThat(MessageRules.checkUser("user", "p\u0430ypal")).startsWith("user: mixes scripts");
		// a Greek omicron in a Latin name
		assertThat(MessageRules.checkUser("from", "g\u03bfogle")).startsWith("from: mixes scripts");
		// Latin digits mixed with Arabic-Indic digits
		assertThat(MessageRules.checkUser("user", "bob1\u0662")).startsWith("user: mixes scripts or digits");
	}

	@Test
	void singleScriptNamesAndCommonMixesAreWelcome() {
		assertThat(MessageRules.checkUser("user", "Zoë")).isNull();
		assertThat(MessageRules.checkUser("user", "李雷")).isNull();
		assertThat(MessageRules.checkUser("user", "Иван")).isNull();
		assertThat(MessageRules.checkUser("user", "Ελένη")).isNull();
		assertThat(MessageRules.checkUser("user", "alice_2.0-x")).isNull();
		assertThat(MessageRules.checkUser("user", "Taro田中")).as("Latin with Han").isNull();
		assertThat(MessageRules.checkUser("user", "小明")).isNull();
	}

	@Test
	void thePatternStillComesFirst() {
		assertThat(MessageRules.checkUser("user", "no spaces"))
			.isEqualTo("user: must be 1 to 32 letters, digits, _ . or -");
		assertThat(MessageRules.checkUser("user", null)).isEqualTo("user: must be 1 to 32 letters, digits, _ . or -");
	}

	@Test
	void lookAlikesShareASkeleton() {
		assertThat(MessageRules.skeleton("paypal")).isEqualTo(MessageRules.skeleton("paypa1"))
			.isEqualTo(MessageRules.skeleton("paypaI"));
		assertThat(MessageRules.skeleton("rn")).isEqualTo(MessageRules.skeleton("m"));
		// a Latin alpha: one script, so a valid name, but it imitates "dana"
		assertThat(MessageRules.checkUser("user", "d\u0251na")).isNull();
		assertThat(MessageRules.skeleton("d\u0251na")).isEqualTo(MessageRules.skeleton("dana"));
		assertThat(MessageRules.skeleton("alice")).isNotEqualTo(MessageRules.skeleton("bob"));
	}

	@Test
	void caseVariantsShareAKeyAndLookAlikesStillDo() {
		String key = MessageRules.skeleton("Alice");
		for (String variant : new String[] { "alice", "ALICE", "aLiCe", "AIice", "A1ice", "Al\u0130ce", "Al\u0131ce",
				"\uFF21lice", "\uD835\uDC00lice" }) {
			assertThat(MessageRules.skeleton(variant)).as(variant).isEqualTo(key);
		}
		assertThat(MessageRules.skeleton("Carol")).isEqualTo(MessageRules.skeleton("CAROL"))
			.isEqualTo(MessageRules.skeleton("carol"));
		assertThat(MessageRules.skeleton("Straße")).isEqualTo(MessageRules.skeleton("STRASSE"));
		assertThat(MessageRules.skeleton("Иван")).isEqualTo(MessageRules.skeleton("ИВАН"));
		assertThat(MessageRules.skeleton("Carol")).isNotEqualTo(MessageRules.skeleton("Caryl"));
	}

	@Test
	void invisibleCharactersInANameAreRefused() {
		for (String name : new String[] { "\u3164", "\u3164\u3164", "\u115F", "\u1160", "\uFFA0", "Alice\u3164" }) {
			assertThat(MessageRules.checkUser("user", name)).as("U+%04X", (int) name.charAt(name.length() - 1))
				.startsWith("user: holds an invisible character (U+");
		}
		assertThat(MessageRules.checkUser("from", "Alice\u3164"))
			.isEqualTo("from: holds an invisible character (U+3164, such as a Hangul filler); use visible letters");
		// Hangul itself is welcome
		assertThat(MessageRules.checkUser("user", "\uD55C\uAE00")).isNull();
	}

}
