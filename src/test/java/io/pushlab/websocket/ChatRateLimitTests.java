package io.pushlab.websocket;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Frames over a connection's rate limit are answered with rate_limited and dropped. */
@DefaultLimitsChatServerTest
class ChatRateLimitTests {

	static final int FRAMES = 100;

	@LocalServerPort
	int port;

	@Test
	void framesOverTheLimitAreDroppedWithRateLimitedThenTheConnectionWorksAgain() {
		String room = "rate-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient fast = ChatClient.connect(this.port, "fast");
				ChatClient watcher = ChatClient.connect(this.port, "watcher")) {
			watcher.join(room);
			fast.join(room);
			fast.awaitPresence(room, "fast", "watcher");
			long started = System.nanoTime();
			for (int i = 0; i < FRAMES; i++) {
				fast.chat(room, "burst " + i, "b" + i);
			}
			await().atMost(ChatClient.WAIT)
				.until(() -> fast.frames("chat").size() + fast.frames("error").size() == FRAMES);
			double seconds = (System.nanoTime() - started) / 1e9;

			List<JsonNode> errors = fast.frames("error");
			int accepted = fast.frames("chat").size();
			// the join took one token of the burst of 10 (twice 5 a second); the bucket
			// refills at 5 a second while the frames are handled
			assertThat(accepted).isBetween(9, 10 + (int) Math.ceil(seconds * 5));
			assertThat(errors).isNotEmpty().hasSize(FRAMES - accepted);
			assertThat(errors).allSatisfy((error) -> {
				assertThat(error.path("code").asString()).isEqualTo("rate_limited");
				assertThat(error.path("nonce").asString()).startsWith("b");
			});
			assertThat(errors.get(0).path("message").asString()).contains("5 frames a second");
			await().atMost(ChatClient.WAIT).until(() -> watcher.frames("chat").size() == accepted);
			assertThat(watcher.frames("chat")).extracting((chat) -> chat.path("nonce").asString())
				.as("dropped frames were not published")
				.doesNotContainAnyElementsOf(errors.stream().map((error) -> error.path("nonce").asString()).toList());

			await().atMost(ChatClient.WAIT).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
				String nonce = "later-" + UUID.randomUUID();
				fast.chat(room, "after a pause", nonce);
				JsonNode reply = fast.awaitFrame((frame) -> nonce.equals(frame.path("nonce").asString(null)));
				assertThat(reply.path("type").asString()).isEqualTo("chat");
			});
			assertThat(fast.isClosed()).isFalse();
		}
	}

	@Test
	void theRateIsCheckedBeforeAFrameIsParsed() {
		try (ChatClient flood = ChatClient.connect(this.port, "flood")) {
			long started = System.nanoTime();
			for (int i = 0; i < FRAMES; i++) {
				flood.send("{not json \"nonce\": \"n" + i + "\"");
			}
			await().atMost(ChatClient.WAIT).until(() -> flood.frames("error").size() == FRAMES);
			double seconds = (System.nanoTime() - started) / 1e9;
			List<JsonNode> errors = flood.frames("error");
			List<JsonNode> parsed = errors.stream()
				.filter((error) -> error.path("code").asString().equals("bad_json"))
				.toList();
			List<JsonNode> limited = errors.stream()
				.filter((error) -> error.path("code").asString().equals("rate_limited"))
				.toList();
			// within the burst (10) frames are parsed and refused as bad JSON; over it
			// they are refused for the rate without being parsed
			assertThat(parsed.size()).isBetween(10, 10 + (int) Math.ceil(seconds * 5));
			assertThat(limited).hasSize(FRAMES - parsed.size());
			assertThat(limited).allSatisfy((error) -> assertThat(error.path("nonce").asString()).startsWith("n"));
			assertThat(flood.isClosed()).isFalse();
		}
	}

}
