package io.pushlab.rfc6455;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
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
		Frame first = FrameCodec.decode(HEX.parseHex("010348656c"));
		Frame last = FrameCodec.decode(HEX.parseHex("80026c6f"));
		assertThat(first.fin()).isFalse();
		assertThat(first.opcode()).isEqualTo(Opcode.TEXT);
		assertThat(last.fin()).isTrue();
		assertThat(last.opcode()).isEqualTo(Opcode.CONTINUATION);
	}

	@Test
	void pingAndPongFromTheRfc() throws Exception {
		assertThat(FrameCodec.decode(HEX.parseHex("890548656c6c6f")).opcode()).isEqualTo(Opcode.PING);
		Frame pong = FrameCodec.decode(HEX.parseHex("8a8537fa213d7f9f4d5158"));
		assertThat(pong.opcode()).isEqualTo(Opcode.PONG);
		assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello");
	}

	@Test
	void sixteenAndSixtyFourBitLengthsFromTheRfc() throws Exception {
		// 256 bytes of binary data: 0x82 0x7E 0x0100
		Frame binary256 = Frame.unmasked(Opcode.BINARY, new byte[256]);
		assertThat(HEX.formatHex(binary256.header())).isEqualTo("827e0100");
		assertThat(binary256.lengthEncoding()).isEqualTo(LengthEncoding.SIXTEEN_BIT);
		assertThat(FrameCodec.decode(FrameCodec.encode(binary256))).isEqualTo(binary256);
		// 64 KiB of binary data: 0x82 0x7F 0x0000000000010000
		Frame binary64k = Frame.unmasked(Opcode.BINARY, new byte[65536]);
		assertThat(HEX.formatHex(binary64k.header())).isEqualTo("827f0000000000010000");
		assertThat(binary64k.lengthEncoding()).isEqualTo(LengthEncoding.SIXTY_FOUR_BIT);
		assertThat(FrameCodec.decode(FrameCodec.encode(binary64k))).isEqualTo(binary64k);
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
	void readReturnsNullAtTheEndAndFailsInsideAFrame() throws Exception {
		assertThat(FrameCodec.read(new ByteArrayInputStream(new byte[0]), 100)).isNull();
		assertThatExceptionOfType(EOFException.class)
			.isThrownBy(() -> FrameCodec.read(new ByteArrayInputStream(HEX.parseHex("8105486565")), 100))
			.withMessageContaining("truncated payload");
		ByteArrayInputStream two = new ByteArrayInputStream(HEX.parseHex("890548656c6c6f810548656c6c6f"));
		assertThat(FrameCodec.read(two, 100).opcode()).isEqualTo(Opcode.PING);
		assertThat(FrameCodec.read(two, 100).opcode()).isEqualTo(Opcode.TEXT);
		assertThat(FrameCodec.read(two, 100)).isNull();
	}

	@Test
	void readRefusesAFrameOverTheLimitBeforeReadingIt() {
		// announces 2^40 bytes: refused at once, nothing allocated
		assertThatExceptionOfType(FailConnectionException.class)
			.isThrownBy(() -> FrameCodec.read(new ByteArrayInputStream(HEX.parseHex("827f0000010000000000")), 1024))
			.satisfies((ex) -> assertThat(ex.closeCode()).isEqualTo(CloseCode.MESSAGE_TOO_BIG));
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

	private static void assertMalformed(String hex, String message) {
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> FrameCodec.decode(HEX.parseHex(hex)))
			.withMessageContaining(message);
	}

}
