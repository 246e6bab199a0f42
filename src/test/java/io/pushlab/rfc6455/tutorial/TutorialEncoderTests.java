package io.pushlab.rfc6455.tutorial;

import java.util.HexFormat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class TutorialEncoderTests {

	@ParameterizedTest
	@CsvSource({ "5, 8105", "125, 817d", "126, 817e007e", "127, 817f000000000000007f", "200, 817f00000000000000c8",
			"65535, 817f000000000000ffff", "65536, 817f0000000000010000" })
	void takesTheSixteenBitFormOnlyForExactly126Bytes(long length, String header) {
		assertThat(HexFormat.of().formatHex(TutorialEncoder.header(length))).isEqualTo(header);
	}

}
