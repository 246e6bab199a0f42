package io.pushlab.rfc6455;

import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class FrameDescriptionTests {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void describesAMaskedFrameInTheContractsShape() throws Exception {
		Map<String, Object> map = FrameDescription.of(FrameCodec.decode(HEX.parseHex("818537fa213d7f9f4d5158")))
			.toMap();
		assertThat(map).containsExactly(entry("fin", true), entry("opcode", 1), entry("masked", true),
				entry("maskingKey", "37fa213d"), entry("payloadLength", 5L), entry("lengthEncoding", "7-bit"),
				entry("headerHex", "818537fa213d"), entry("payloadHex", "7f9f4d5158"), entry("text", "Hello"));
	}

	@Test
	void aLengthInALongerFormThanNeededIsFlaggedWithItsSection() throws Exception {
		// 200 bytes in the 64-bit form, as the classic tutorial writes them
		byte[] bytes = new byte[10 + 200];
		System.arraycopy(HEX.parseHex("817f00000000000000c8"), 0, bytes, 0, 10);
		Map<String, Object> map = FrameDescription.of(FrameCodec.decode(bytes)).toMap();
		assertThat(map).containsEntry("payloadLength", 200L)
			.containsEntry("lengthEncoding", "64-bit")
			.containsEntry("lengthNote",
					"not minimal: 200 bytes fit 7e and a 16-bit length, but this frame uses 7f and a 64-bit length;"
							+ " RFC 6455 §5.2: \"the minimal number of bytes MUST be used to encode the length\"");
		assertThat(FrameDescription.of(FrameCodec.decode(HEX.parseHex("817e000548656c6c6f"))).lengthNote())
			.startsWith("not minimal: 5 bytes fit the 7 bits of byte 1, but this frame uses 7e and a 16-bit length;");
	}

	@Test
	void aLengthInItsShortestFormHasNoNote() {
		for (int length : new int[] { 0, 125, 126, 65_535, 65_536 }) {
			FrameDescription description = FrameDescription.of(Frame.unmasked(Opcode.BINARY, new byte[length]));
			assertThat(description.lengthNote()).as("%d bytes", length).isNull();
			assertThat(description.toMap()).doesNotContainKey("lengthNote");
		}
	}

	@Test
	void anUnmaskedFrameHasANullMaskingKey() throws Exception {
		Map<String, Object> map = FrameDescription.of(FrameCodec.decode(HEX.parseHex("810548656c6c6f"))).toMap();
		assertThat(map).containsEntry("masked", false)
			.containsEntry("maskingKey", null)
			.containsEntry("payloadHex", "48656c6c6f");
	}

	@Test
	void closeFramesShowTheirCodeAndReason() {
		Frame close = Frame.unmasked(Opcode.CLOSE, new byte[] { 0x03, (byte) 0xe8, 'b', 'y', 'e' });
		FrameDescription description = FrameDescription.of(close);
		assertThat(description.closeCode()).isEqualTo(1000);
		assertThat(description.text()).isEqualTo("bye");
		assertThat(description.toMap()).containsEntry("closeCode", 1000).doesNotContainKey("fragments");
		assertThat(FrameDescription.of(Frame.unmasked(Opcode.CLOSE, new byte[0])).closeCode()).isNull();
	}

	@Test
	void binaryHasNoTextAndBrokenTextShowsReplacementCharacters() {
		assertThat(FrameDescription.of(Frame.unmasked(Opcode.BINARY, new byte[] { 1 })).text()).isNull();
		assertThat(FrameDescription.of(Frame.unmasked(Opcode.TEXT, new byte[] { 'a', (byte) 0xff })).text())
			.isEqualTo("a\ufffd");
	}

	@Test
	void aFragmentedMessageCountsItsFragments() {
		Frame first = Frame.of(false, Opcode.TEXT, new byte[] { 1, 2, 3, 4 }, "Hel".getBytes());
		Map<String, Object> map = FrameDescription.ofMessage(first, 2, "Hello").toMap();
		assertThat(map).containsEntry("fin", false)
			.containsEntry("payloadLength", 3L)
			.containsEntry("text", "Hello")
			.containsEntry("fragments", 2);
		assertThat(FrameDescription.ofMessage(first, 1, "Hel").toMap()).doesNotContainKey("fragments");
	}

}
