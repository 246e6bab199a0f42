package io.pushlab.websocket;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.pushlab.hub.Broker;
import io.pushlab.hub.InMemoryBroker;
import io.pushlab.support.Api;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rooms a client can create are bounded: past {@code pushlab.rooms.max} a new room is
 * refused (429 problem+json, WebSocket error {@code too_many_rooms}), idle rooms without
 * subscribers are evicted after {@code pushlab.rooms.idle-ttl} and a room created again
 * continues its ids, and one WebSocket connection may be in at most
 * {@code max-rooms-per-connection} rooms; the connection stays open.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.rooms.max=6", "pushlab.rooms.max-per-address=6", "pushlab.rooms.idle-ttl=1s",
				"pushlab.websocket.max-rooms-per-connection=3" })
@ActiveProfiles("test")
class RoomBoundsTests {

	@LocalServerPort
	int port;

	@Autowired
	Broker hub;

	InMemoryBroker broker;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
		this.broker = (InMemoryBroker) this.hub;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.roomCount() == 0);
	}

	private long stat(String group, String key) {
		JsonNode node = this.api.getJson("/api/stats").get(group);
		return node.has(key) ? node.get(key).asLong() : 0;
	}

	private HttpResponse<String> post(String room) {
		return this.api.post("/api/rooms/" + room + "/messages", "{\"from\":\"flooder\",\"text\":\"x\"}");
	}

	@Test
	void aFloodOfNewRoomsIsRefusedPastTheBoundAndIdleRoomsAreEvicted() {
		long before = stat("rejected", "room_limit");
		long evictedBefore = stat("evicted", "rooms");
		int refused = 0;
		HttpResponse<String> refusal = null;
		for (int i = 0; i < 200; i++) {
			HttpResponse<String> response = post("flood-" + i);
			if (response.statusCode() == 429) {
				refused++;
				refusal = response;
			}
			else {
				assertThat(response.statusCode()).isEqualTo(201);
			}
			assertThat(this.broker.roomCount()).isLessThanOrEqualTo(6);
		}
		// idle rooms (1 s) are evicted during the flood, so some of it is served again;
		// the bound held at every step above
		assertThat(refused).isPositive();
		assertThat(refusal.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(refusal.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.parse(refusal.body()).get("detail").asString())
			.startsWith("room: the server holds its maximum of 6 rooms");
		assertThat(stat("rejected", "room_limit") - before).isEqualTo(refused);
		// SSE and long polling refuse a new room the same way, before any stream starts
		assertThat(this.api.get("/api/rooms/one-more/longpoll?client=bounded-client&timeout=0").statusCode())
			.isEqualTo(429);
		// idle rooms without subscribers are evicted, and new rooms may be created again
		await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.roomCount() == 0);
		assertThat(stat("evicted", "rooms") - evictedBefore).isGreaterThanOrEqualTo(6);
		assertThat(post("after-eviction").statusCode()).isEqualTo(201);
	}

	@Test
	void aRoomCreatedAgainAfterEvictionContinuesItsIdsAndAnOldCursorReadsGap() {
		for (int i = 1; i <= 5; i++) {
			this.api.publish("comeback", "alice", "m" + i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.broker.holds("comeback"));
		// the evicted room tells a cursor older than its last id that messages are gone
		JsonNode read = this.api.getJson("/api/rooms/comeback/messages?after=3");
		assertThat(read.get("last").asLong()).isEqualTo(5);
		assertThat(read.get("gap").asBoolean()).isTrue();
		JsonNode again = this.api.publish("comeback", "alice", "after eviction");
		assertThat(again.get("id").asLong()).isEqualTo(6);
		// a client that kept its cursor (5) loses nothing
		JsonNode next = this.api.getJson("/api/rooms/comeback/messages?after=5");
		assertThat(next.get("messages")).hasSize(1);
		assertThat(next.get("gap").asBoolean()).isFalse();
	}

	@Test
	void aRoomWithASubscriberIsNeverEvicted() throws Exception {
		try (ChatClient alice = ChatClient.connect(this.port, "alice")) {
			alice.join("kept");
			alice.awaitPresence("kept", "alice");
			this.api.publish("kept", "bob", "hello");
			// three idle times pass: the room stays while it has a subscriber
			await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
			assertThat(this.broker.holds("kept")).isTrue();
			assertThat(this.api.getJson("/api/rooms/kept/messages?after=0").get("messages")).hasSize(1);
		}
	}

	@Test
	void aConnectionJoiningMoreRoomsThanAllowedGetsTooManyRoomsAndStaysOpen() {
		try (ChatClient mallory = ChatClient.connect(this.port, "mallory")) {
			for (String room : new String[] { "ws-a", "ws-b", "ws-c" }) {
				mallory.join(room);
				mallory.awaitPresence(room, "mallory");
			}
			mallory.send("type", "join", "room", "ws-d", "nonce", "n-4");
			JsonNode error = mallory.awaitReply("error", "n-4");
			assertThat(error.get("code").asString()).isEqualTo("too_many_rooms");
			assertThat(error.get("message").asString()).startsWith("room: this connection is in 3 rooms");
			// still open and in its rooms: leaving one makes room for another
			mallory.send("type", "leave", "room", "ws-a");
			mallory.join("ws-d");
			mallory.awaitPresence("ws-d", "mallory");
			assertThat(mallory.isClosed()).isFalse();
			assertThat(stat("rejected", "rooms_per_connection")).isGreaterThanOrEqualTo(1);
		}
	}

}
