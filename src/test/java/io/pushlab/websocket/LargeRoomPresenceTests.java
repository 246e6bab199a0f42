package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

import io.pushlab.hub.Presence;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence that scales: a joiner gets the room's list once; in a room of up to
 * presence-list-limit (100) users the others get a small delta per change, never the
 * whole list; past that, changes are coalesced into bounded lists (the first 100 names
 * and the count) instead of a frame per join per member (members² frames).
 */
@ChatServerTest
class LargeRoomPresenceTests {

	private static final int LIMIT = 100;

	private static final int JOINERS = 200;

	@LocalServerPort
	int port;

	@Test
	void othersGetDeltasInASmallRoomAndTheJoinerGetsTheList() {
		String room = "small-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient ada = ChatClient.connect(this.port, "ada");
				ChatClient bea = ChatClient.connect(this.port, "bea")) {
			ada.join(room);
			ada.awaitPresence(room, "ada");
			bea.join(room);
			bea.awaitPresence(room, "ada", "bea");
			ada.awaitPresence(room, "ada", "bea");
			JsonNode delta = ada.frames("presence").get(ada.frames("presence").size() - 1);
			assertThat(delta.has("users")).as("no list for the others").isFalse();
			assertThat(delta.path("joined").asString()).isEqualTo("bea");
			assertThat(delta.path("count").asInt()).isEqualTo(2);
			JsonNode list = bea.frames("presence").get(0);
			assertThat(list.path("users").valueStream().map(JsonNode::asString).toList()).containsExactly("ada", "bea");
			assertThat(list.path("count").asInt()).isEqualTo(2);

			bea.send("type", "leave", "room", room);
			ada.awaitPresence(room, "ada");
			JsonNode left = ada.frames("presence").get(ada.frames("presence").size() - 1);
			assertThat(left.path("left").asString()).isEqualTo("bea");
			assertThat(left.path("count").asInt()).isEqualTo(1);
		}
	}

	@Test
	void aJoinStormPastTheLimitIsCoalescedIntoBoundedLists() {
		String room = "big-" + UUID.randomUUID().toString().substring(0, 8);
		HttpClient http = HttpClient.newHttpClient();
		List<ChatClient> clients = new ArrayList<>();
		try {
			ChatClient watcher = ChatClient.connect(http, this.port, "watcher");
			clients.add(watcher);
			watcher.join(room);
			watcher.awaitPresence(room, "watcher");
			TreeSet<String> everyone = new TreeSet<>(Presence.ORDER);
			everyone.add("watcher");
			for (int i = 0; i < JOINERS; i++) {
				String name = "m" + i;
				ChatClient client = ChatClient.connect(http, this.port, name);
				clients.add(client);
				client.join(room);
				everyone.add(name);
			}
			String[] firstNames = everyone.stream().limit(LIMIT).toArray(String[]::new);
			for (ChatClient client : List.of(watcher, clients.get(clients.size() - 1))) {
				await().atMost(ChatClient.WAIT)
					.until(() -> client.presenceCount(room) == JOINERS + 1
							&& List.of(firstNames).equals(client.presence(room)));
			}
			List<JsonNode> frames = watcher.frames("presence");
			// at most one frame per change (a burst of joins shares one list), and past
			// the
			// limit every list is bounded: a join never costs a member the whole room
			assertThat(frames).hasSizeLessThanOrEqualTo(JOINERS + 1);
			assertThat(frames).allSatisfy((frame) -> assertThat(frame.path("users").size()).isLessThanOrEqualTo(LIMIT));
		}
		finally {
			clients.forEach(ChatClient::close);
		}
	}

}
