package io.pushlab.rfc6455.tutorial;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TutorialDecoderTests {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void oneWholeFrameInOneReadIsReadRight() {
		// RFC 6455 §5.7: a masked "Hello"
		assertThat(decode("818537fa213d7f9f4d5158")).isEqualTo(new TutorialDecoder.Result("48656c6c6f", "Hello", null));
	}

	@Test
	void twoFramesInOneReadAreUnmaskedAsOnePayload() {
		// "Hello" then "Hi": the second frame's header is unmasked as text
		TutorialDecoder.Result result = decode("818537fa213d7f9f4d5158" + "818237fa213d7f93");
		assertThat(result.unmaskedHex()).isEqualTo("48656c6c6f7ba30acddb1c42a4");
		assertThat(result.text()).isNull();
		assertThat(result.error()).isEqualTo("UnicodeDecodeError: byte 0xa3 at position 6 is not valid UTF-8");
	}

	@Test
	void aFrameSplitOverTwoReadsBecomesTwoWrongMessages() {
		assertThat(decode("818537fa213d7f9f").text()).isEqualTo("He");
		// the rest, "llo", is taken for a header: its 7-bit length says 81, mask "58"
		assertThat(decode("4d5158")).isEqualTo(new TutorialDecoder.Result("", "", null));
	}

	@Test
	void finAndTheOpcodeAreIgnored() {
		assertThat(decode("018337fa213d7f9f4d").text()).isEqualTo("Hel");
		assertThat(decode("808237fa213d5b95").text()).isEqualTo("lo");
		// a close frame, code 1001, is read as text
		TutorialDecoder.Result close = decode("888237fa213d3413");
		assertThat(close.unmaskedHex()).isEqualTo("03e9");
		assertThat(close.error()).isEqualTo("UnicodeDecodeError: byte 0xe9 at position 1 is not valid UTF-8");
	}

	@Test
	void theExtendedLengthIsSkippedButNeverRead() {
		// 16-bit form: the key is at 4; 64-bit form: at 10; the length itself is not used
		assertThat(decode("81fe0002" + "00000000" + "4869").text()).isEqualTo("Hi");
		assertThat(decode("81ff0000000000000009" + "00000000" + "4869").text()).isEqualTo("Hi");
	}

	@Test
	void aReadOfOneByteRaises() {
		assertThat(decode("81").error()).startsWith("IndexError: index out of range");
		assertThat(decode("81").text()).isNull();
	}

	private static TutorialDecoder.Result decode(String hex) {
		return TutorialDecoder.decode(HEX.parseHex(hex));
	}

}
