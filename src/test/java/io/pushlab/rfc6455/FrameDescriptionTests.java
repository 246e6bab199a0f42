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
