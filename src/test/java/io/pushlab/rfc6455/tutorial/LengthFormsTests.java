package io.pushlab.rfc6455.tutorial;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LengthFormsTests {

	@Test
	void from127To65535TheTutorialTakesTheSixtyFourBitFormAndTheDecoderFlagsIt() {
		for (int length : new int[] { 127, 200, 65_535 }) {
			LengthForms.Comparison comparison = LengthForms.compare(length);
			assertThat(comparison.tutorial().lengthEncoding()).isEqualTo("64-bit");
			assertThat(comparison.tutorial().decodedLength()).isEqualTo(length);
			assertThat(comparison.tutorial().lengthNote()).contains("§5.2", "7e and a 16-bit length");
			assertThat(comparison.pushlab().lengthEncoding()).isEqualTo("16-bit");
			assertThat(comparison.pushlab().decodedLength()).isEqualTo(length);
			assertThat(comparison.pushlab().lengthNote()).isNull();
		}
		LengthForms.Comparison c200 = LengthForms.compare(200);
		assertThat(c200.tutorial().headerHex()).isEqualTo("817f00000000000000c8");
		assertThat(c200.pushlab().headerHex()).isEqualTo("817e00c8");
		assertThat(LengthForms.compare(127).tutorial().headerHex()).isEqualTo("817f000000000000007f");
		assertThat(LengthForms.compare(127).pushlab().headerHex()).isEqualTo("817e007f");
	}

	@Test
	void elsewhereBothEncodersAgree() {
		for (int length : new int[] { 0, 125, 126, 65_536 }) {
			LengthForms.Comparison comparison = LengthForms.compare(length);
			assertThat(comparison.tutorial()).as("%d bytes", length).isEqualTo(comparison.pushlab());
			assertThat(comparison.tutorial().lengthNote()).isNull();
		}
		assertThat(LengthForms.compare(126).pushlab().headerHex()).isEqualTo("817e007e");
	}

}
