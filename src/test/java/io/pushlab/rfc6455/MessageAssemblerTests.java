package io.pushlab.rfc6455;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MessageAssemblerTests {

	private static final byte[] KEY = { 1, 2, 3, 4 };

	private final MessageAssembler assembler = new MessageAssembler(16);

	@Test
	void aSingleFrameIsAMessage() throws Exception {
		MessageAssembler.Message message = this.assembler.accept(text(true, "Hello"));
		assertThat(message.text()).isEqualTo("Hello");
		assertThat(message.fragments()).isOne();
		assertThat(message.length()).isEqualTo(5);
		assertThat(message.describe().fragments()).isNull();
	}

	@Test
	void fragmentsAreJoined() throws Exception {
		Frame first = text(false, "Hel");
		assertThat(this.assembler.accept(first)).isNull();
		assertThat(this.assembler.accept(continuation(false, "l"))).isNull();
		MessageAssembler.Message message = this.assembler.accept(continuation(true, "o"));
		assertThat(message.text()).isEqualTo("Hello");
		assertThat(message.fragments()).isEqualTo(3);
		assertThat(message.first()).isEqualTo(first);
		FrameDescription description = message.describe();
		assertThat(description.fin()).isFalse();
		assertThat(description.payloadLength()).isEqualTo(3);
		assertThat(description.text()).isEqualTo("Hello");
		assertThat(description.fragments()).isEqualTo(3);
		// and the next message starts afresh
		assertThat(this.assembler.accept(text(true, "again")).fragments()).isOne();
	}

	@Test
	void aCharacterMaySpanTwoFragments() throws Exception {
		byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
		this.assembler.accept(Frame.of(false, Opcode.TEXT, KEY, new byte[] { euro[0] }));
		MessageAssembler.Message message = this.assembler
			.accept(Frame.of(true, Opcode.CONTINUATION, KEY, new byte[] { euro[1], euro[2] }));
		assertThat(message.text()).isEqualTo("€");
	}

	@Test
	void binaryMessagesHaveNoText() throws Exception {
		MessageAssembler.Message message = this.assembler
			.accept(Frame.of(true, Opcode.BINARY, KEY, new byte[] { (byte) 0xff }));
		assertThat(message.text()).isNull();
		assertThat(message.describe().text()).isNull();
	}

	@Test
	void continuationWithoutAMessageIsAProtocolError() {
		assertFails(() -> this.assembler.accept(continuation(true, "x")), CloseCode.PROTOCOL_ERROR);
	}

	@Test
	void aNewMessageInsideAFragmentedOneIsAProtocolError() throws Exception {
		this.assembler.accept(text(false, "Hel"));
		assertFails(() -> this.assembler.accept(text(true, "lo")), CloseCode.PROTOCOL_ERROR);
	}

	@Test
	void invalidUtf8IsInvalidPayload() {
		assertFails(() -> this.assembler.accept(Frame.of(true, Opcode.TEXT, KEY, new byte[] { (byte) 0xc0, 0x20 })),
				CloseCode.INVALID_PAYLOAD);
	}

	@Test
	void theLimitCountsEveryFragment() throws Exception {
		this.assembler.accept(text(false, "0123456789"));
		assertFails(() -> this.assembler.accept(continuation(true, "0123456")), CloseCode.MESSAGE_TOO_BIG);
	}

	@Test
	void controlFramesAreNotData() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.assembler.accept(Frame.of(true, Opcode.PING, KEY, new byte[0])));
	}

	private static Frame text(boolean fin, String text) {
		return Frame.of(fin, Opcode.TEXT, KEY, text.getBytes(StandardCharsets.UTF_8));
	}

	private static Frame continuation(boolean fin, String text) {
		return Frame.of(fin, Opcode.CONTINUATION, KEY, text.getBytes(StandardCharsets.UTF_8));
	}

	private static void assertFails(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int code) {
		assertThatExceptionOfType(FailConnectionException.class).isThrownBy(call)
			.satisfies((ex) -> assertThat(ex.closeCode()).isEqualTo(code));
	}

}
