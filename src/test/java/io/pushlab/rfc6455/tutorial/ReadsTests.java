package io.pushlab.rfc6455.tutorial;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import io.pushlab.rfc6455.CloseCode;
import io.pushlab.rfc6455.FrameDescription;
import io.pushlab.rfc6455.Opcode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadsTests {

	private static final int MAX = 1024;

	@Test
	void twoFramesInOneReadAreTwoMessages() {
		List<Reads.Outcome> outcomes = compare("818537fa213d7f9f4d5158818237fa213d7f93");
		assertThat(outcomes).hasSize(1);
		Reads.Outcome read = outcomes.get(0);
		assertThat(read.tutorial().error()).startsWith("UnicodeDecodeError");
		assertThat(read.pushlab().messages()).extracting(Reads.Message::text).containsExactly("Hello", "Hi");
		assertThat(read.pushlab().frames()).hasSize(2);
		assertThat(read.pushlab().waiting()).isNull();
		assertThat(read.pushlab().failure()).isNull();
	}

	@Test
	void aFrameSplitOverTwoReadsIsOneMessageOnceWhole() {
		List<Reads.Outcome> outcomes = compare("818537fa213d7f9f", "4d5158");
		assertThat(outcomes.get(0).tutorial().text()).isEqualTo("He");
		assertThat(outcomes.get(0).pushlab().messages()).isEmpty();
		assertThat(outcomes.get(0).pushlab().waiting())
			.isEqualTo("truncated payload: the header announces 5 bytes, got 2");
		assertThat(outcomes.get(1).tutorial().text()).isEmpty();
		assertThat(outcomes.get(1).pushlab().messages()).containsExactly(new Reads.Message(Opcode.TEXT, "Hello", 5, 1));
		assertThat(outcomes.get(1).pushlab().waiting()).isNull();
	}

	@Test
	void aFragmentedMessageIsJoined() {
		List<Reads.Outcome> outcomes = compare("018337fa213d7f9f4d", "808237fa213d5b95");
		assertThat(outcomes).extracting((outcome) -> outcome.tutorial().text()).containsExactly("Hel", "lo");
		assertThat(outcomes.get(0).pushlab().frames()).extracting(FrameDescription::fin).containsExactly(false);
		assertThat(outcomes.get(0).pushlab().messages()).isEmpty();
		assertThat(outcomes.get(0).pushlab().waiting()).contains("FIN=0", "§5.4");
		assertThat(outcomes.get(1).pushlab().messages()).containsExactly(new Reads.Message(Opcode.TEXT, "Hello", 5, 2));
	}

	@Test
	void aCloseFrameIsAControlFrameNotText() {
		Reads.Outcome read = compare("888237fa213d3413").get(0);
		assertThat(read.tutorial().error()).startsWith("UnicodeDecodeError");
		assertThat(read.pushlab().messages()).isEmpty();
		assertThat(read.pushlab().frames()).singleElement().satisfies((frame) -> {
			assertThat(frame.opcode()).isEqualTo(Opcode.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(1001);
		});
	}

	@Test
	void aBrokenSequenceFailsTheConnectionAndLaterReadsAreNotLookedAt() {
		// a continuation with nothing to continue, then a whole "Hello"
		List<Reads.Outcome> outcomes = compare("808237fa213d5b95", "818537fa213d7f9f4d5158");
		assertThat(outcomes.get(0).pushlab().failure().closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
		assertThat(outcomes.get(0).pushlab().failure().reason()).contains("continuation", "§5.4");
		assertThat(outcomes.get(1).pushlab().messages()).isEmpty();
		assertThat(outcomes.get(1).pushlab().failure().reason()).startsWith("the connection was failed at read 1: ");
		assertThat(outcomes.get(1).tutorial().text()).isEqualTo("Hello");
	}

	private static List<Reads.Outcome> compare(String... reads) {
		return Reads.compare(Arrays.stream(reads).map(HexFormat.of()::parseHex).toList(), MAX);
	}

}
