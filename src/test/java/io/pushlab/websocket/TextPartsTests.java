package io.pushlab.websocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Joining a client message's parts under the byte limit. */
class TextPartsTests {

	@Test
	void aMessageInOnePartIsReturnedAsItIs() {
		TextParts parts = new TextParts(16);
		String frame = "{\"type\":\"x\"}";
		assertThat(parts.add(frame, true)).isSameAs(frame);
	}

	@Test
	void partsAreJoinedUntilTheLastOne() {
		TextParts parts = new TextParts(64);
		assertThat(parts.add("{\"type\":", false)).isNull();
		assertThat(parts.add("\"chat\",", false)).isNull();
		assertThat(parts.add("\"text\":\"é\"}", true)).isEqualTo("{\"type\":\"chat\",\"text\":\"é\"}");
		// and the next message starts afresh
		assertThat(parts.add("{}", true)).isEqualTo("{}");
	}

	@Test
	void theLimitCountsUtf8BytesOfTheWholeMessage() {
		TextParts parts = new TextParts(8);
		// 4 x 2 bytes: exactly the limit
		assertThat(parts.add("éé", false)).isNull();
		assertThat(parts.add("éé", true)).isEqualTo("éééé");
		// 3 bytes + 3 bytes + 3 bytes: over
		assertThat(parts.add("€", false)).isNull();
		assertThat(parts.add("€", false)).isNull();
		assertThat(parts.add("€", true)).isSameAs(TextParts.TOO_BIG);
		// one emoji is four bytes, even split between parts
		assertThat(TextParts.utf8Length("😀")).isEqualTo(4);
		assertThat(TextParts.utf8Length("a")).isEqualTo(1);
	}

	@Test
	void aSinglePartOverTheLimitIsTooBig() {
		TextParts parts = new TextParts(4);
		assertThat(parts.add("abcde", true)).isSameAs(TextParts.TOO_BIG);
		assertThat(parts.add("abcd", true)).isEqualTo("abcd");
	}

}
