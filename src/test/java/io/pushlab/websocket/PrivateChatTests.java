package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Private one-to-one messages: who gets them, who never does, and who is offline. */
@ChatServerTest
class PrivateChatTests {

	@LocalServerPort
	int port;

	@Test
	void privateReachesEveryConnectionOfAddresseeAndSenderAndNobodyElse() {
		String room = "private-" + UUID.randomUUID().toString().substring(0, 8);
		HttpClient alicesBrowser = ChatClient.browser(this.port);
		HttpClient bobsBrowser = ChatClient.browser(this.port);
		try (ChatClient alice1 = ChatClient.connect(alicesBrowser, this.port, "alice");
				ChatClient alice2 = ChatClient.connect(alicesBrowser, this.port, "alice");
				ChatClient bob1 = ChatClient.connect(bobsBrowser, this.port, "bob");
				ChatClient bob2 = ChatClient.connect(bobsBrowser, this.port, "bob");
				ChatClient carol = ChatClient.connect(this.port, "carol")) {
			for (ChatClient client : List.of(alice1, alice2, bob1, bob2, carol)) {
				client.join(room);
			}
			carol.awaitPresence(room, "alice", "bob", "carol");

			alice1.send("type", "private", "to", "bob", "text", "just for you", "nonce", "p-1", "from", "mallory");
			for (ChatClient client : List.of(alice1, alice2, bob1, bob2)) {
				JsonNode frame = client.awaitReply("private", "p-1");
				assertThat(frame.path("from").asString()).as("from is the sender's own name").isEqualTo("alice");
				assertThat(frame.path("to").asString()).isEqualTo("bob");
				assertThat(frame.path("text").asString()).isEqualTo("just for you");
				assertThat(frame.path("sentAt").asLong()).isPositive();
				assertThat(frame.has("id")).as("a private message has no room id").isFalse();
			}

			// a room message sent afterwards reaches carol: had the private one been sent
			// to
			// her, it would have arrived first
			bob2.chat(room, "public", "after");
			carol.awaitReply("chat", "after");
			alice1.awaitReply("chat", "after");
			assertThat(carol.frames("private")).isEmpty();
			assertThat(carol.frames()).noneMatch((frame) -> frame.toString().contains("just for you"));
			assertThat(alice1.frames("private")).hasSize(1);
			assertThat(bob2.frames("private")).hasSize(1);
			assertThat(bob1.frames("chat")).extracting((frame) -> frame.path("text").asString())
				.containsExactly("public");
		}
	}

	@Test
	void privateMessagesAreStoredNowhere() {
		String room = "nostore-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient dan = ChatClient.connect(this.port, "dan");
				ChatClient erin = ChatClient.connect(this.port, "erin")) {
			dan.join(room);
			// erin's join is answered once the server has her connection: a private
			// message sent before that would be answered user_offline
			erin.join(room);
			dan.awaitPresence(room, "dan", "erin");
			dan.send("type", "private", "to", "erin", "text", "secret", "nonce", "s");
			erin.awaitReply("private", "s");
			try (ChatClient late = ChatClient.connect(this.port, "late")) {
				late.join(room);
				JsonNode history = late.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
				assertThat(history.path("messages").isEmpty()).isTrue();
			}
		}
	}

	@Test
	void privateToSomeoneOfflineIsRefusedWithUserOffline() {
		try (ChatClient fred = ChatClient.connect(this.port, "fred")) {
			fred.send("type", "private", "to", "nobody-here", "text", "hello?", "nonce", "q");
			JsonNode error = fred.awaitReply("error", "q");
			assertThat(error.path("code").asString()).isEqualTo("user_offline");
			assertThat(error.path("message").asString()).contains("nobody-here");

			try (ChatClient gil = ChatClient.connect(this.port, "gil")) {
				// the server has registered gil once it answers gil's first frame
				gil.join("gil-room");
				gil.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
				fred.send("type", "private", "to", "gil", "text", "now?", "nonce", "r");
				gil.awaitReply("private", "r");
			}
			// gil is gone once the server has noticed the dropped connection
			await().atMost(ChatClient.WAIT).untilAsserted(() -> {
				String nonce = "t-" + UUID.randomUUID();
				fred.send("type", "private", "to", "gil", "text", "gone?", "nonce", nonce);
				JsonNode reply = fred.awaitFrame((frame) -> nonce.equals(frame.path("nonce").asString(null)));
				assertThat(reply.path("type").asString()).isEqualTo("error");
				assertThat(reply.path("code").asString()).isEqualTo("user_offline");
			});
		}
	}

}
