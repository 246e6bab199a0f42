package io.pushlab.rfc6455;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FrameCodecTests {

	private static final HexFormat HEX = HexFormat.of();

	private static final byte[] KEY = HEX.parseHex("37fa213d");

	@Test
	void unmaskedTextFromTheRfc() throws Exception {
		// RFC 6455 §5.7: a single-frame unmasked text message
		Frame frame = FrameCodec.decode(HEX.parseHex("810548656c6c6f"));
		assertThat(frame.fin()).isTrue();
		assertThat(frame.opcode()).isEqualTo(Opcode.TEXT);
		assertThat(frame.masked()).isFalse();
		assertThat(new String(frame.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello");
		assertThat(FrameCodec.encode(Frame.unmasked(Opcode.TEXT, "Hello".getBytes())))
			.isEqualTo(HEX.parseHex("810548656c6c6f"));
	}

	@Test
	void maskedTextFromTheRfc() throws Exception {
		// RFC 6455 §5.7: a single-frame masked text message
		Frame frame = FrameCodec.decode(HEX.parseHex("818537fa213d7f9f4d5158"));
		assertThat(frame.maskingKey()).isEqualTo(KEY);
		assertThat(new String(frame.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello");
		assertThat(HEX.formatHex(frame.header())).isEqualTo("818537fa213d");
		assertThat(HEX.formatHex(frame.wirePayload())).isEqualTo("7f9f4d5158");
		assertThat(FrameCodec.encode(Frame.of(true, Opcode.TEXT, KEY, "Hello".getBytes())))
			.isEqualTo(HEX.parseHex("818537fa213d7f9f4d5158"));
	}

	@Test
	void fragmentsFromTheRfc() throws Exception {
		// RFC 6455 §5.7: a fragmented unmasked text message, "Hel" then "lo"
		byte[] firstBytes = HEX.parseHex("010348656c");
		byte[] lastBytes = HEX.parseHex("80026c6f");
		Frame first = FrameCodec.decode(firstBytes);
		Frame last = FrameCodec.decode(lastBytes);
		assertThat(first.fin()).isFalse();
		assertThat(first.opcode()).isEqualTo(Opcode.TEXT);
		assertThat(last.fin()).isTrue();
		assertThat(last.opcode()).isEqualTo(Opcode.CONTINUATION);
		assertThat(FrameCodec.encode(Frame.of(false, Opcode.TEXT, null, "Hel".getBytes()))).isEqualTo(firstBytes);
		assertThat(FrameCodec.encode(Frame.of(true, Opcode.CONTINUATION, null, "lo".getBytes()))).isEqualTo(lastBytes);
		MessageAssembler assembler = new MessageAssembler(1024);
		assertThat(assembler.accept(first)).isNull();
		MessageAssembler.Message message = assembler.accept(last);
		assertThat(message.text()).isEqualTo("Hello");
		assertThat(message.fragments()).isEqualTo(2);
	}

	@Test
	void pingAndPongFromTheRfc() throws Exception {
		// RFC 6455 §5.7: an unmasked ping, and a masked pong answering it
		byte[] pingBytes = HEX.parseHex("890548656c6c6f");
		Frame ping = FrameCodec.decode(pingBytes);
		assertThat(ping.opcode()).isEqualTo(Opcode.PING);
		assertThat(ping.fin()).isTrue();
		assertThat(new String(ping.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello");
		assertThat(FrameCodec.encode(Frame.unmasked(Opcode.PING, "Hello".getBytes()))).isEqualTo(pingBytes);
		byte[] pongBytes = HEX.parseHex("8a8537fa213d7f9f4d5158");
		Frame pong = FrameCodec.decode(pongBytes);
		assertThat(pong.opcode()).isEqualTo(Opcode.PONG);
		assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello");
		assertThat(FrameCodec.encode(Frame.of(true, Opcode.PONG, KEY, "Hello".getBytes()))).isEqualTo(pongBytes);
	}

	@Test
	void sixteenAndSixtyFourBitLengthsFromTheRfc() throws Exception {
		// RFC 6455 §5.7: 256 bytes of binary data in one unmasked frame: 0x82 0x7E 0x0100
		// [256 bytes]
		byte[] data256 = pattern(256);
		byte[] rfc256 = concat(HEX.parseHex("827e0100"), data256);
		Frame binary256 = FrameCodec.decode(rfc256);
		assertThat(binary256.opcode()).isEqualTo(Opcode.BINARY);
		assertThat(binary256.masked()).isFalse();
		assertThat(binary256.lengthEncoding()).isEqualTo(LengthEncoding.SIXTEEN_BIT);
		assertThat(binary256.payload()).isEqualTo(data256);
		assertThat(FrameCodec.encode(Frame.unmasked(Opcode.BINARY, data256))).isEqualTo(rfc256);
		// RFC 6455 §5.7: 64 KiB in one unmasked frame: 0x82 0x7F 0x0000000000010000
		// [65536 bytes]
		byte[] data64k = pattern(65536);
		byte[] rfc64k = concat(HEX.parseHex("827f0000000000010000"), data64k);
		Frame binary64k = FrameCodec.decode(rfc64k);
		assertThat(binary64k.opcode()).isEqualTo(Opcode.BINARY);
		assertThat(binary64k.lengthEncoding()).isEqualTo(LengthEncoding.SIXTY_FOUR_BIT);
		assertThat(binary64k.payload()).isEqualTo(data64k);
		assertThat(FrameCodec.encode(Frame.unmasked(Opcode.BINARY, data64k))).isEqualTo(rfc64k);
	}

	@ParameterizedTest
	@CsvSource({ "0, 8200", "1, 8201", "125, 827d", "126, 827e007e", "127, 827e007f", "65535, 827effff",
			"65536, 827f0000000000010000", "70000, 827f0000000000011170" })
	void theShortestLengthFormIsUsed(int length, String header) throws Exception {
		// §5.2: "the minimal number of bytes MUST be used to encode the length"
		assertThat(HEX.formatHex(Frame.unmasked(Opcode.BINARY, new byte[length]).header())).isEqualTo(header);
		Frame masked = Frame.of(true, Opcode.BINARY, KEY, new byte[length]);
		String maskedHeader = header.substring(0, 2) + String.format("%02x", HEX.parseHex(header)[1] | 0x80)
				+ header.substring(4) + "37fa213d";
		assertThat(HEX.formatHex(masked.header())).isEqualTo(maskedHeader);
		assertThat(masked.lengthEncoding()).isEqualTo(LengthEncoding.minimalFor(length));
	}

	@ParameterizedTest
	@CsvSource({ "0, SEVEN_BIT", "125, SEVEN_BIT", "126, SIXTEEN_BIT", "65535, SIXTEEN_BIT", "65536, SIXTY_FOUR_BIT" })
	void theShortestLengthEncodingIsUsed(int length, LengthEncoding encoding) throws Exception {
		Frame frame = Frame.of(true, Opcode.BINARY, KEY, new byte[length]);
		assertThat(frame.lengthEncoding()).isEqualTo(encoding);
		assertThat(frame.header()).hasSize(2 + encoding.extendedBytes() + 4);
		assertThat(FrameCodec.decode(FrameCodec.encode(frame))).isEqualTo(frame);
	}

	@Test
	void aLongerThanNeededLengthIsDecodedAsSent() throws Exception {
		// "Hello" with a 16-bit length: not minimal (§5.2), but the bytes say so
		byte[] bytes = HEX.parseHex("817e000548656c6c6f");
		Frame frame = FrameCodec.decode(bytes);
		assertThat(frame.lengthEncoding()).isEqualTo(LengthEncoding.SIXTEEN_BIT);
		assertThat(frame.payloadLength()).isEqualTo(5);
		assertThat(FrameCodec.encode(frame)).isEqualTo(bytes);
	}

	@Test
	void reservedBitsAndOpcodesAreKept() throws Exception {
		Frame frame = FrameCodec.decode(HEX.parseHex("f300"));
		assertThat(frame.rsv()).isEqualTo(7);
		assertThat(frame.opcode()).isEqualTo(3);
		assertThat(Opcode.isDefined(frame.opcode())).isFalse();
	}

	@Test
	void decodeSaysWhatIsWrongWithTheBytes() {
		assertMalformed("", "truncated header: a frame needs at least 2 bytes, got 0");
		assertMalformed("81", "truncated header: a frame needs at least 2 bytes, got 1");
		assertMalformed("817e00", "truncated header: with a 16-bit length the header takes 4 bytes, got 3");
		assertMalformed("81ff00000000",
				"truncated header: with a 64-bit length and a masking key the header takes " + "14 bytes, got 6");
		assertMalformed("818537fa21",
				"truncated header: with a 7-bit length and a masking key the header takes " + "6 bytes, got 5");
		assertMalformed("81054865", "truncated payload: the header announces 5 bytes, got 2");
		assertMalformed("827f8000000000000000", "64-bit payload length with its most significant bit set");
		assertMalformed("810548656c6c6f00", "1 byte after the end of the frame");
	}

	@Test
	void framesAreValidated() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new Frame(true, 0, Opcode.TEXT, null, new byte[126], LengthEncoding.SEVEN_BIT));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> Frame.of(true, Opcode.TEXT, new byte[3], new byte[0]));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> Frame.of(true, 16, null, new byte[0]));
	}

	@Test
	void framesAreImmutable() {
		byte[] payload = "Hello".getBytes();
		Frame frame = Frame.of(true, Opcode.TEXT, KEY.clone(), payload);
		payload[0] = 'J';
		frame.payload()[1] = 'a';
		frame.maskingKey()[0] = 0;
		assertThat(frame.payload()).isEqualTo("Hello".getBytes());
		assertThat(frame.maskingKey()).isEqualTo(KEY);
		assertThat(frame).hasToString(
				"Frame[fin=true, rsv=0, opcode=text, maskingKey=37fa213d, payloadLength=5, lengthEncoding=7-bit]");
	}

	static byte[] pattern(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (i * 31 + 7);
		}
		return bytes;
	}

	static byte[] concat(byte[] a, byte[] b) {
		byte[] bytes = new byte[a.length + b.length];
		System.arraycopy(a, 0, bytes, 0, a.length);
		System.arraycopy(b, 0, bytes, a.length, b.length);
		return bytes;
	}

	private static void assertMalformed(String hex, String message) {
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> FrameCodec.decode(HEX.parseHex(hex)))
			.withMessageContaining(message);
	}

}
