package io.pushlab.loadlab;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireScanTests {

	private final WireScan scan = new WireScan("ll-abc");

	private List<long[]> found(String text) {
		List<long[]> found = new ArrayList<>();
		this.scan.scan(text, (id, seq) -> found.add(new long[] { id, seq }));
		return found;
	}

	@Test
	void findsEveryMessageOfTheRunInAPollingResponse() {
		String body = "{\"room\":\"r\",\"messages\":[{\"id\":7,\"room\":\"r\",\"from\":\"a\",\"text\":\"x\",\"nonce\":\"ll-abc-0\","
				+ "\"sentAt\":1},{\"id\":8,\"room\":\"r\",\"from\":\"a\",\"text\":\"y\",\"nonce\":\"ll-abc-12\",\"sentAt\":2}],"
				+ "\"last\":8,\"gap\":false}";
		assertThat(found(body)).containsExactly(new long[] { 7, 0 }, new long[] { 8, 12 });
	}

	@Test
	void ignoresOtherRunsMessagesWithoutNonceAndLookalikesInsideText() {
		String body = "[{\"id\":1,\"text\":\"\\\"id\\\":5 \\\"nonce\\\":\\\"ll-abc-3\\\"\",\"nonce\":null},"
				+ "{\"id\":2,\"text\":\"t\",\"nonce\":\"ll-other-1\"},{\"id\":3,\"text\":\"t\",\"nonce\":\"ll-abc-4\"}]";
		assertThat(found(body)).containsExactly(new long[] { 3, 4 });
	}

	@Test
	void readsSseEventsAndWebSocketFrames() {
		assertThat(found("id: 5\nevent: message\ndata: {\"id\":5,\"nonce\":\"ll-abc-1\"}\n\n"))
			.containsExactly(new long[] { 5, 1 });
		assertThat(found("{\"type\":\"chat\",\"id\":9,\"room\":\"r\",\"nonce\":\"ll-abc-2\",\"sentAt\":3}"))
			.containsExactly(new long[] { 9, 2 });
		assertThat(found(": keep-alive\n\n")).isEmpty();
	}

}
