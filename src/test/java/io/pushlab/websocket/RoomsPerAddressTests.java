package io.pushlab.websocket;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.pushlab.hub.Broker;
import io.pushlab.hub.InMemoryBroker;
import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
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
 * One client address may hold only its share of the rooms
 * ({@code pushlab.rooms.max-per-address}): past it a new room is refused on every
 * transport (429 problem+json naming the share, WebSocket error {@code too_many_rooms}
 * with the connection kept) while the room table is far from full, rooms that exist are
 * still used, and a room removed when idle gives the share back. (Every client here is on
 * loopback, which has a share only with {@code pushlab.rooms.limit-loopback=true}; other
 * addresses are covered by the hub's {@code RoomSharesTests}.)
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.rooms.max=20", "pushlab.rooms.max-per-address=3", "pushlab.rooms.limit-loopback=true",
				"pushlab.rooms.idle-ttl=2s" })
@ActiveProfiles("test")
class RoomsPerAddressTests {

	private static final String SHARE = "room: your address holds 3 new rooms, its share of the server's 20";

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

	private HttpResponse<String> post(String room) {
		return this.api.post("/api/rooms/" + room + "/messages", "{\"from\":\"poster\",\"text\":\"x\"}");
	}

	@Test
	void anAddressPastItsShareIsRefusedEverywhereButKeepsUsingItsRoomsAndGetsItsShareBackWhenOneIsRemoved()
			throws Exception {
		// three rooms created from this address, each kept by a subscriber: SSE, chat,
		// long poll
		try (SseClient stream = SseClient.connect(this.api.uri("/api/rooms/share-sse/events"), null);
				ChatClient mallory = ChatClient.connect(this.port, "mallory")) {
			assertThat(stream.next(ChatClient.WAIT).retry()).isNotNull();
			mallory.join("share-ws");
			mallory.awaitPresence("share-ws", "mallory");
			assertThat(this.api.get("/api/rooms/share-lp/longpoll?client=share-client&timeout=0").statusCode())
				.isEqualTo(204);
			assertThat(this.broker.roomCount()).isEqualTo(3);

			// one more from this address: 429 naming the share, with 17 rooms still free
			long before = this.api.rejected("rooms_per_address");
			HttpResponse<String> refused = post("share-new");
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
			assertThat(Api.parse(refused.body()).get("detail").asString()).startsWith(SHARE);
			assertThat(this.api.get("/api/rooms/share-new/events").statusCode()).isEqualTo(429);
			assertThat(this.api.get("/api/rooms/share-new/longpoll?client=share-client&timeout=0").statusCode())
				.isEqualTo(429);
			mallory.send("type", "join", "room", "share-new", "nonce", "j-1");
			JsonNode error = mallory.awaitReply("error", "j-1");
			assertThat(error.get("code").asString()).isEqualTo("too_many_rooms");
			assertThat(error.get("message").asString()).startsWith(SHARE);
			assertThat(this.api.rejected("rooms_per_address") - before).isEqualTo(4);
			assertThat(this.broker.holds("share-new")).isFalse();
			assertThat(this.broker.roomCount()).isEqualTo(3);

			// the rooms that exist are used as before, on every transport
			assertThat(post("share-sse").statusCode()).isEqualTo(201);
			assertThat(stream.nextMessages(1, ChatClient.WAIT).get(0).id()).isEqualTo("1");
			assertThat(post("share-lp").statusCode()).isEqualTo(201);
			mallory.join("share-sse");
			mallory.awaitPresence("share-sse", "mallory");
			assertThat(mallory.isClosed()).isFalse();
		}
		// the chat has left: its room is removed once idle (the SSE stream's once the
		// server notices it is gone), and the address may create a room again, while the
		// long poll's queue still holds its room
		await().atMost(Duration.ofSeconds(20)).until(() -> post("share-back").statusCode() == 201);
		assertThat(this.broker.holds("share-ws") && this.broker.holds("share-sse")).isFalse();
		assertThat(this.broker.holds("share-lp")).isTrue();
	}

}
