package io.pushlab.rfc6455;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FrameDecoderTests {

	private static final HexFormat HEX = HexFormat.of();

	private static final byte[] KEY = HEX.parseHex("37fa213d");

	/** The examples of RFC 6455 §5.7, back to back, as one stream. */
	private static final String RFC_EXAMPLES = "810548656c6c6f" + "818537fa213d7f9f4d5158" + "010348656c" + "80026c6f"
			+ "890548656c6c6f" + "8a8537fa213d7f9f4d5158";

	static Stream<Arguments> lengthsAroundTheBoundaries() {
		List<Arguments> arguments = new ArrayList<>();
		for (int length : new int[] { 0, 1, 125, 126, 127, 65_535, 65_536, 70_000 }) {
			arguments.add(Arguments.of(length, true));
			arguments.add(Arguments.of(length, false));
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} bytes, masked: {1}")
	@MethodSource("lengthsAroundTheBoundaries")
	void roundTripsAllAtOnce(int length, boolean masked) throws Exception {
		Frame frame = Frame.of(true, Opcode.BINARY, masked ? KEY : null, FrameCodecTests.pattern(length));
		byte[] bytes = FrameCodec.encode(frame);
		assertThat(bytes).hasSize(frame.header().length + length);
		FrameDecoder decoder = new FrameDecoder();
		assertThat(decoder.feed(bytes)).containsExactly(frame);
		assertThat(decoder.buffered()).isZero();
	}

	@ParameterizedTest(name = "{0} bytes, masked: {1}")
	@MethodSource("lengthsAroundTheBoundaries")
	void roundTripsOneByteAtATime(int length, boolean masked) throws Exception {
		Frame frame = Frame.of(true, Opcode.BINARY, masked ? KEY : null, FrameCodecTests.pattern(length));
		byte[] bytes = FrameCodec.encode(frame);
		FrameDecoder decoder = new FrameDecoder();
		byte[] one = new byte[1];
		for (int i = 0; i < bytes.length - 1; i++) {
			one[0] = bytes[i];
			decoder.append(one, 0, 1);
			assertThat(decoder.next()).as("a frame before its last byte (%d of %d)", i + 1, bytes.length).isNull();
		}
		one[0] = bytes[bytes.length - 1];
		decoder.append(one, 0, 1);
		assertThat(decoder.next()).isEqualTo(frame);
		assertThat(decoder.next()).isNull();
		assertThat(decoder.buffered()).isZero();
	}

	@Test
	void severalFramesInOneRead() throws Exception {
		List<Frame> frames = new FrameDecoder().feed(HEX.parseHex(RFC_EXAMPLES));
		assertThat(frames).extracting(Frame::opcode)
			.containsExactly(Opcode.TEXT, Opcode.TEXT, Opcode.TEXT, Opcode.CONTINUATION, Opcode.PING, Opcode.PONG);
		assertThat(frames).extracting((frame) -> new String(frame.payload(), StandardCharsets.UTF_8))
			.containsExactly("Hello", "Hello", "Hel", "lo", "Hello", "Hello");
		assertThat(frames).extracting(Frame::fin).containsExactly(true, true, false, true, true, true);
	}

	@Test
	void readsMayEndAnywhere() throws Exception {
		byte[] stream = HEX.parseHex(RFC_EXAMPLES);
		List<Frame> expected = new FrameDecoder().feed(stream);
		Random random = new Random(6455);
		for (int round = 0; round < 200; round++) {
			FrameDecoder decoder = new FrameDecoder();
			List<Frame> frames = new ArrayList<>();
			int offset = 0;
			while (offset < stream.length) {
				int count = Math.min(stream.length - offset, random.nextInt(12));
				decoder.append(stream, offset, count);
				offset += count;
				Frame frame;
				while ((frame = decoder.next()) != null) {
					frames.add(frame);
				}
			}
			assertThat(frames).isEqualTo(expected);
		}
	}

	@Test
	void aReadThatEndsInsideTheHeaderKeepsWhatCame() throws Exception {
		// a 16-bit length split between two reads, then the payload and the next frame
		Frame big = Frame.of(true, Opcode.TEXT, KEY, "x".repeat(300).getBytes());
		byte[] bytes = FrameCodecTests.concat(FrameCodec.encode(big), HEX.parseHex("890548656c6c6f"));
		FrameDecoder decoder = new FrameDecoder();
		decoder.append(bytes, 0, 3);
		assertThat(decoder.next()).isNull();
		assertThat(decoder.incomplete())
			.isEqualTo("truncated header: with a 16-bit length and a masking key the header takes 8 bytes, got 3");
		decoder.append(bytes, 3, 100);
		assertThat(decoder.next()).isNull();
		assertThat(decoder.incomplete()).isEqualTo("truncated payload: the header announces 300 bytes, got 95");
		decoder.append(bytes, 103, bytes.length - 103);
		assertThat(decoder.next()).isEqualTo(big);
		assertThat(decoder.next().opcode()).isEqualTo(Opcode.PING);
		assertThat(decoder.next()).isNull();
		assertThat(decoder.incomplete()).isEqualTo("truncated header: a frame needs at least 2 bytes, got 0");
	}

	@Test
	void theCheckSeesEachHeaderBeforeItsPayload() throws Exception {
		List<FrameHeader> seen = new ArrayList<>();
		FrameDecoder decoder = new FrameDecoder(seen::add);
		// the header of a masked 70 000-byte frame: 14 bytes, no payload yet
		byte[] header = Frame.of(true, Opcode.BINARY, KEY, new byte[70_000]).header();
		decoder.append(header, 0, header.length);
		assertThat(decoder.next()).isNull();
		assertThat(seen)
			.containsExactly(new FrameHeader(true, 0, Opcode.BINARY, KEY, 70_000, LengthEncoding.SIXTY_FOUR_BIT));
		assertThat(seen.get(0).size()).isEqualTo(14);
	}

	@Test
	void aRefusedHeaderFailsBeforeAnyPayloadIsBuffered() throws Exception {
		AtomicInteger checked = new AtomicInteger();
		FrameDecoder decoder = new FrameDecoder((header) -> {
			checked.incrementAndGet();
			if (header.payloadLength() > 1024) {
				throw new FailConnectionException(CloseCode.MESSAGE_TOO_BIG, "too big");
			}
		});
		// announces 2^40 bytes and sends none of them
		decoder.append(HEX.parseHex("82ff000001000000000037fa213d"), 0, 14);
		assertThatExceptionOfType(FailConnectionException.class).isThrownBy(decoder::next)
			.satisfies((ex) -> assertThat(ex.closeCode()).isEqualTo(CloseCode.MESSAGE_TOO_BIG));
		assertThat(checked).hasValue(1);
	}

	@Test
	void aSixtyFourBitLengthWithItsTopBitSetIsAProtocolError() throws Exception {
		FrameDecoder decoder = new FrameDecoder();
		decoder.append(HEX.parseHex("827f8000000000000000"), 0, 10);
		assertThatExceptionOfType(FailConnectionException.class).isThrownBy(decoder::next)
			.satisfies((ex) -> assertThat(ex.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR))
			.withMessageContaining("§5.2");
	}

	@Test
	void aNonMinimalLengthIsDecodedAsSent() throws Exception {
		// "Hello" with a 64-bit length: legal bytes to show, not the form an encoder
		// picks
		byte[] bytes = HEX.parseHex("817f000000000000000548656c6c6f");
		Frame frame = new FrameDecoder().feed(bytes).get(0);
		assertThat(frame.lengthEncoding()).isEqualTo(LengthEncoding.SIXTY_FOUR_BIT);
		assertThat(FrameCodec.encode(frame)).isEqualTo(bytes);
		assertThat(FrameCodec.encode(Frame.unmasked(Opcode.TEXT, frame.payload())))
			.isEqualTo(HEX.parseHex("810548656c6c6f"));
	}

	@Test
	void largeFramesInSmallReadsAndTheBufferIsReused() throws Exception {
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		List<Frame> sent = new ArrayList<>();
		for (int length : new int[] { 200_000, 3, 70_000, 0 }) {
			Frame frame = Frame.of(true, Opcode.BINARY, KEY, FrameCodecTests.pattern(length));
			sent.add(frame);
			stream.writeBytes(FrameCodec.encode(frame));
		}
		byte[] bytes = stream.toByteArray();
		FrameDecoder decoder = new FrameDecoder();
		List<Frame> received = new ArrayList<>();
		for (int offset = 0; offset < bytes.length; offset += 8192) {
			decoder.append(bytes, offset, Math.min(8192, bytes.length - offset));
			Frame frame;
			while ((frame = decoder.next()) != null) {
				received.add(frame);
			}
		}
		assertThat(received).isEqualTo(sent);
	}

}
