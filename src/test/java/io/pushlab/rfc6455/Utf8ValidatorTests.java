package io.pushlab.rfc6455;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8ValidatorTests {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void validTextSplitAtEveryByte() {
		byte[] text = "a é € 𝄞 小明 \u007f\u0080\uffff\udbff\udfff".getBytes(StandardCharsets.UTF_8);
		for (int split = 0; split <= text.length; split++) {
			Utf8Validator validator = new Utf8Validator();
			assertThat(validator.accept(Arrays.copyOfRange(text, 0, split))).as("first %d bytes", split).isTrue();
			assertThat(validator.accept(Arrays.copyOfRange(text, split, text.length))).isTrue();
			assertThat(validator.isComplete()).isTrue();
		}
	}

	@Test
	void aCharacterCutShortIsNotComplete() {
		Utf8Validator validator = new Utf8Validator();
		assertThat(validator.accept(HEX.parseHex("61e282"))).isTrue();
		assertThat(validator.isComplete()).isFalse();
		assertThat(validator.accept(HEX.parseHex("ac"))).isTrue();
		assertThat(validator.isComplete()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "80", // a continuation byte with no lead
			"c080", "c1bf", // overlong 2-byte forms
			"e08080", "e09fbf", // overlong 3-byte forms
			"eda080", "edbfbf", // UTF-16 surrogates
			"f08f8080", // overlong 4-byte form
			"f4908080", // over U+10FFFF
			"f5808080", "ff", "fe", // bytes UTF-8 never uses
			"c341", "e28241", // a lead byte followed by a non-continuation
			"c3", "e282" // a character cut short
	})
	void rejects(String hex) {
		assertThat(Utf8.isValid(HEX.parseHex(hex))).as(hex).isFalse();
	}

	@Test
	void failsInThePieceWhereTheWrongByteArrives() {
		// ED A0 starts a surrogate: known wrong before the third byte or the last piece
		Utf8Validator validator = new Utf8Validator();
		assertThat(validator.accept(HEX.parseHex("41ed"))).isTrue();
		assertThat(validator.accept(HEX.parseHex("a0"))).isFalse();
		assertThat(validator.accept(HEX.parseHex("41"))).as("stays failed").isFalse();
		assertThat(validator.isComplete()).isFalse();
		validator.reset();
		assertThat(validator.accept(HEX.parseHex("41"))).isTrue();
		assertThat(validator.isComplete()).isTrue();
	}

	@Test
	void agreesWithTheJdkOnEveryTwoByteSequence() {
		// every lead byte with every second byte, and the same with a third 0x80
		for (int a = 0; a < 256; a++) {
			for (int b = 0; b < 256; b++) {
				for (byte[] bytes : new byte[][] { { (byte) a, (byte) b }, { (byte) a, (byte) b, (byte) 0x80 },
						{ (byte) a, (byte) b, (byte) 0x80, (byte) 0x80 } }) {
					assertThat(Utf8.isValid(bytes)).as(HEX.formatHex(bytes)).isEqualTo(jdkAccepts(bytes));
				}
			}
		}
	}

	private static boolean jdkAccepts(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
			return true;
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			return false;
		}
	}

}
