package io.pushlab.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Group chat between real WebSocket clients: delivery, order, history and presence. */
@ChatServerTest
class GroupChatTests {

	@LocalServerPort
	int port;

	@Test
	void eachChatReachesEveryMemberOnceInOrderAndPresenceFollowsJoinsLeavesAndDrops() {
		String room = "group-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient ann = ChatClient.connect(this.port, "ann");
				ChatClient ben = ChatClient.connect(this.port, "Ben");
				ChatClient cid = ChatClient.connect(this.port, "cid")) {
			ann.join(room);
			ann.awaitPresence(room, "ann");
			ben.join(room);
			ben.awaitPresence(room, "ann", "Ben");
			cid.join(room);
			for (ChatClient client : List.of(ann, ben, cid)) {
				client.awaitPresence(room, "ann", "Ben", "cid");
			}
			for (int i = 0; i < 12; i++) {
				List.of(ann, ben, cid).get(i % 3).chat(room, "message " + i, "n" + i);
			}
			List<List<String>> seen = new ArrayList<>();
			for (ChatClient client : List.of(ann, ben, cid)) {
				await().atMost(ChatClient.WAIT).until(() -> client.frames("chat").size() >= 12);
				List<JsonNode> chats = client.frames("chat");
				assertThat(chats).hasSize(12);
				assertThat(chats).allSatisfy((chat) -> assertThat(chat.path("room").asString()).isEqualTo(room));
				assertThat(chats).extracting((chat) -> chat.path("id").asLong()).isSorted().doesNotHaveDuplicates();
				List<String> texts = chats.stream().map((chat) -> chat.path("text").asString()).toList();
				assertThat(texts).containsExactlyInAnyOrder("message 0", "message 1", "message 2", "message 3",
						"message 4", "message 5", "message 6", "message 7", "message 8", "message 9", "message 10",
						"message 11");
				for (int sender = 0; sender < 3; sender++) {
					int from = sender;
					assertThat(texts.stream().filter((text) -> Integer.parseInt(text.substring(8)) % 3 == from))
						.as("one sender's messages keep their order")
						.containsExactly("message " + from, "message " + (from + 3), "message " + (from + 6),
								"message " + (from + 9));
				}
				JsonNode fromBen = chats.stream()
					.filter((chat) -> chat.path("nonce").asString().equals("n1"))
					.findFirst()
					.orElseThrow();
				assertThat(fromBen.path("from").asString()).isEqualTo("Ben");
				assertThat(fromBen.path("sentAt").asLong()).isPositive();
				seen.add(texts);
			}
			assertThat(seen.get(1)).as("every member sees the same order").isEqualTo(seen.get(0));
			assertThat(seen.get(2)).as("every member sees the same order").isEqualTo(seen.get(0));

			ben.send("type", "leave", "room", room);
			ann.awaitPresence(room, "ann", "cid");
			cid.awaitPresence(room, "ann", "cid");
			ann.chat(room, "after ben left", "gone");
			cid.awaitReply("chat", "gone");
			ann.awaitReply("chat", "gone");

			cid.abort();
			ann.awaitPresence(room, "ann");
			assertThat(ben.frames("chat")).hasSize(12);
		}
	}

	@Test
	void joinAnswersWithTheLastMessagesOfTheRoomBeforePresence() {
		String room = "history-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient dee = ChatClient.connect(this.port, "dee")) {
			dee.join(room);
			for (int i = 1; i <= 60; i++) {
				dee.chat(room, "old " + i, "h" + i);
			}
			dee.awaitReply("chat", "h60");
			try (ChatClient eve = ChatClient.connect(this.port, "eve")) {
				eve.join(room);
				eve.awaitPresence(room, "dee", "eve");
				List<JsonNode> frames = eve.frames();
				assertThat(frames.get(0).path("type").asString()).isEqualTo("history");
				assertThat(frames.get(0).path("room").asString()).isEqualTo(room);
				List<String> texts = frames.get(0)
					.path("messages")
					.valueStream()
					.map((m) -> m.path("text").asString())
					.toList();
				assertThat(texts).hasSize(50).startsWith("old 11").endsWith("old 60");
				assertThat(frames.get(1).path("type").asString()).isEqualTo("presence");
			}
		}
	}

	@Test
	void aUserWithTwoConnectionsStaysPresentUntilBothHaveLeft() {
		String room = "twice-" + UUID.randomUUID().toString().substring(0, 8);
		var browser = ChatClient.browser(this.port);
		try (ChatClient fay1 = ChatClient.connect(browser, this.port, "fay");
				ChatClient fay2 = ChatClient.connect(browser, this.port, "fay");
				ChatClient gus = ChatClient.connect(this.port, "gus")) {
			// gus is a member first: fay is listed once, however many connections she has
			gus.join(room);
			gus.awaitPresence(room, "gus");
			fay1.join(room);
			fay2.join(room);
			fay1.awaitPresence(room, "fay", "gus");
			fay2.awaitPresence(room, "fay", "gus");
			gus.awaitPresence(room, "fay", "gus");
			fay1.abort();
			fay2.send("type", "leave", "room", room);
			gus.awaitPresence(room, "gus");
			// one "joined" and one "left" for fay, whichever of her connections went last
			assertThat(gus.frames("presence")).filteredOn((frame) -> "fay".equals(frame.path("joined").asString(null)))
				.hasSize(1);
			assertThat(gus.frames("presence")).filteredOn((frame) -> "fay".equals(frame.path("left").asString(null)))
				.hasSize(1);
		}
	}

}
