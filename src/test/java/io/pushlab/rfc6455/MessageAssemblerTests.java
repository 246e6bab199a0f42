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
	void invalidUtf8SplitAcrossFragmentsFailsInTheFragmentThatBreaksIt() throws Exception {
		// ED A0 80 encodes a surrogate: "a" ED may start valid text, A0 cannot follow ED
		assertThat(this.assembler.accept(Frame.of(false, Opcode.TEXT, KEY, new byte[] { 'a', (byte) 0xed }))).isNull();
		assertFails(() -> this.assembler.accept(Frame.of(false, Opcode.CONTINUATION, KEY, new byte[] { (byte) 0xa0 })),
				CloseCode.INVALID_PAYLOAD);
	}

	@Test
	void aMessageEndingInsideACharacterIsInvalid() throws Exception {
		byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
		this.assembler.accept(Frame.of(false, Opcode.TEXT, KEY, new byte[] { euro[0] }));
		assertFails(() -> this.assembler.accept(Frame.of(true, Opcode.CONTINUATION, KEY, new byte[] { euro[1] })),
				CloseCode.INVALID_PAYLOAD);
	}

	@Test
	void binaryFragmentsAreNotCheckedAsText() throws Exception {
		this.assembler.accept(Frame.of(false, Opcode.BINARY, KEY, new byte[] { (byte) 0xed }));
		assertThat(this.assembler.accept(Frame.of(true, Opcode.CONTINUATION, KEY, new byte[] { (byte) 0xa0 })).length())
			.isEqualTo(2);
	}

	@Test
	void admitJudgesAHeaderBeforeItsPayload() throws Exception {
		assertFails(() -> this.assembler.admit(header(Opcode.CONTINUATION, 1)), CloseCode.PROTOCOL_ERROR);
		assertFails(() -> this.assembler.admit(header(Opcode.BINARY, 17)), CloseCode.MESSAGE_TOO_BIG);
		// control frames are not its business
		this.assembler.admit(header(Opcode.PING, 100));
		this.assembler.accept(text(false, "0123456789"));
		assertThat(this.assembler.inMessage()).isTrue();
		assertFails(() -> this.assembler.admit(header(Opcode.TEXT, 1)), CloseCode.PROTOCOL_ERROR);
		assertFails(() -> this.assembler.admit(header(Opcode.CONTINUATION, 7)), CloseCode.MESSAGE_TOO_BIG);
		this.assembler.admit(header(Opcode.CONTINUATION, 6));
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

	private static FrameHeader header(int opcode, long length) {
		return new FrameHeader(true, 0, opcode, KEY, length, LengthEncoding.minimalFor(length));
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
