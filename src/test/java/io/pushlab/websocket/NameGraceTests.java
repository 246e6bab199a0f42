package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A name outlives its owner's connection by {@code pushlab.websocket.name-grace}: during
 * the owner's reconnect nobody else can take it (nor its private messages), the owner
 * (the same HTTP session) gets it back, and after the grace period it is free.
 */
@ChatServerTest
class NameGraceTests {

	@LocalServerPort
	int port;

	@Test
	void anImpostorIsRefusedDuringTheGraceAndTheOwnerGetsItsNameBack() {
		String name = randomName("owner");
		HttpClient browser = ChatClient.browser(this.port);
		ChatClient owner = ChatClient.connect(browser, this.port, name);
		owner.join("lobby");
		owner.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
		owner.close();

		// as soon as the server has seen the owner go, the name is reserved, not free
		await().atMost(ChatClient.WAIT).ignoreExceptions().untilAsserted(() -> {
			try (ChatClient impostor = ChatClient.connect(ChatClient.browser(this.port), this.port, name)) {
				assertThat(impostor.awaitClose()).isEqualTo(4009);
				assertThat(impostor.closeReason()).isEqualTo("name reserved");
			}
		});
		try (ChatClient noCookie = ChatClient.connect(this.port, name)) {
			assertThat(noCookie.awaitClose()).isEqualTo(4009);
		}

		// a private message meanwhile is refused: nobody receives it
		try (ChatClient sender = ChatClient.connect(this.port, randomName("sender"))) {
			sender.send("type", "private", "to", name, "text", "are you back?", "nonce", "p1");
			JsonNode error = sender.awaitReply("error", "p1");
			assertThat(error.path("code").asString()).isEqualTo("user_offline");
			assertThat(error.path("message").asString()).startsWith("to: " + name + " is not connected")
				.contains("reserved");

			try (ChatClient back = ChatClient.connect(browser, this.port, name)) {
				back.join("lobby");
				back.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
				assertThat(back.isClosed()).as("the owner's session gets its name back").isFalse();
				sender.send("type", "private", "to", name, "text", "welcome back", "nonce", "p2");
				assertThat(back.awaitReply("private", "p2").path("text").asString()).isEqualTo("welcome back");
			}
		}
	}

	@Test
	void afterTheGracePeriodAnotherSessionMayTakeTheName() {
		String name = randomName("leaver");
		ChatClient owner = ChatClient.connect(ChatClient.browser(this.port), this.port, name);
		owner.join("lobby");
		owner.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
		long left = System.nanoTime();
		owner.close();

		HttpClient newcomer = ChatClient.browser(this.port);
		await().atMost(ChatClient.WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
			try (ChatClient next = ChatClient.connect(newcomer, this.port, name)) {
				next.join("lobby");
				await().atMost(ChatClient.WAIT).until(() -> next.isClosed() || !next.frames("history").isEmpty());
				assertThat(next.isClosed()).as("the name is free again").isFalse();
			}
		});
		assertThat(Duration.ofNanos(System.nanoTime() - left)).as("not before the grace period is over")
			.isGreaterThanOrEqualTo(Duration.ofSeconds(ChatServerTest.NAME_GRACE_SECONDS));
	}

	@Test
	void refusedClaimsAreCounted() {
		String name = randomName("counted");
		long before = rejected("name_in_use");
		try (ChatClient owner = ChatClient.connect(ChatClient.browser(this.port), this.port, name);
				ChatClient other = ChatClient.connect(this.port, name)) {
			assertThat(other.awaitClose()).isEqualTo(4009);
			assertThat(other.closeReason()).isEqualTo("name in use");
		}
		assertThat(rejected("name_in_use")).isGreaterThan(before);
	}

	private long rejected(String reason) {
		return new Api(this.port).getJson("/api/stats").path("rejected").path(reason).asLong(0);
	}

	/** A name of its own for each test: a prefix and eight random letters. */
	static String randomName(String prefix) {
		StringBuilder name = new StringBuilder(prefix).append('-');
		for (int i = 0; i < 8; i++) {
			name.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
		}
		return name.toString();
	}

}
