package io.pushlab.websocket;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A join storm in a large room: every member still ends up with the full member list, but
 * the changes are coalesced instead of sending the whole list to every member on every
 * join (members² frames).
 */
@ChatServerTest
class LargeRoomPresenceTests {

	private static final int JOINERS = 200;

	@LocalServerPort
	int port;

	@Test
	void aJoinStormIsCoalescedIntoFewPresenceFramesThatEndWithEveryone() {
		String room = "big-" + UUID.randomUUID().toString().substring(0, 8);
		HttpClient http = HttpClient.newHttpClient();
		List<ChatClient> clients = new ArrayList<>();
		try {
			ChatClient watcher = ChatClient.connect(http, this.port, "watcher");
			clients.add(watcher);
			watcher.join(room);
			watcher.awaitPresence(room, "watcher");
			TreeSet<String> everyone = new TreeSet<>(List.of("watcher"));
			for (int i = 0; i < JOINERS; i++) {
				String name = "m" + i;
				ChatClient client = ChatClient.connect(http, this.port, name);
				clients.add(client);
				client.join(room);
				everyone.add(name);
			}
			String[] all = everyone.toArray(String[]::new);
			watcher.awaitPresence(room, all);
			clients.get(clients.size() - 1).awaitPresence(room, all);
			// up to 64 members every change goes out at once; beyond, changes are
			// coalesced
			// (one presence per join would be 201 frames)
			assertThat(watcher.frames("presence")).hasSizeLessThan(ChatSessions.PRESENCE_IMMEDIATE_MEMBERS + 60);
		}
		finally {
			clients.forEach(ChatClient::close);
		}
	}

}
