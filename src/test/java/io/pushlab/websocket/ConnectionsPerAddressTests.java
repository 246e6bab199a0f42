package io.pushlab.websocket;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pushlab.support.Api;
import io.pushlab.support.SseClient;
import io.pushlab.web.ConnectionsPerAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One client address holds at most {@code pushlab.connections.max-per-address} SSE
 * streams and WebSocket chat connections together: one more stream is answered 429
 * problem+json naming {@code connections}, one more chat handshake 429 before the
 * upgrade, and a connection the client closes gives its place back. (Every client here is
 * on loopback, which is counted only with
 * {@code pushlab.connections.limit-loopback=true}; {@link LoopbackConnectionsTests}
 * covers the default.)
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.connections.max-per-address=3", "pushlab.connections.limit-loopback=true",
				"pushlab.sse.heartbeat=200ms", "pushlab.rooms.max=2" })
@ActiveProfiles("test")
class ConnectionsPerAddressTests {

	private static final String DETAIL = "connections: your address holds 3 open streams and chat connections, the most one address may hold; close one first";

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	ConnectionsPerAddress connections;

	Api api;

	final List<AutoCloseable> clients = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
		await().atMost(WAIT).until(() -> this.connections.size() == 0);
	}

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
	}

	private SseClient stream() throws Exception {
		SseClient stream = SseClient.connect(this.api.uri("/api/rooms/conns/events"), null);
		this.clients.add(stream);
		assertThat(stream.response().statusCode()).isEqualTo(200);
		assertThat(stream.next(WAIT).retry()).isNotNull();
		return stream;
	}

	private ChatClient chat(String user) {
		ChatClient chat = ChatClient.connect(this.port, user);
		this.clients.add(chat);
		return chat;
	}

	@Test
	void twoStreamsAndAChatFillTheCapTheFourthOfEitherIsRefusedAndAClosedOneGivesItsPlaceBack() throws Exception {
		SseClient first = stream();
		stream();
		ChatClient alice = chat("alice");
		alice.join("conns");
		alice.awaitPresence("conns", "alice");
		assertThat(this.connections.size()).isEqualTo(3);
		long before = this.api.rejected(ConnectionsPerAddress.REASON);

		// a fourth stream: 429 problem+json naming connections, nothing subscribed
		HttpResponse<String> refused = this.api.get("/api/rooms/conns/events");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
		assertThat(Api.parse(refused.body()).get("detail").asString()).isEqualTo(DETAIL);

		// a fourth chat connection: its handshake is refused with 429 before the upgrade
		assertThat(ChatClient.refusedHandshake(this.port, "bob", Map.of())).isEqualTo(429);
		assertThat(this.api.rejected(ConnectionsPerAddress.REASON) - before).isEqualTo(2);
		assertThat(this.connections.size()).isEqualTo(3);

		// the client closes its chat connection: a new chat connection gets its place
		alice.close();
		await().atMost(WAIT).until(() -> this.connections.size() == 2);
		ChatClient carol = chat("carol");
		carol.join("conns");
		carol.awaitPresence("conns", "carol");
		assertThat(carol.isClosed()).isFalse();
		assertThat(this.api.get("/api/rooms/conns/events").statusCode()).isEqualTo(429);

		// the client closes a stream: the server notices at its next write, and a new
		// stream gets its place
		first.close();
		await().atMost(WAIT).until(() -> this.connections.size() == 2);
		stream();
		assertThat(this.connections.size()).isEqualTo(3);

		// everything closed: nothing is counted any more
		tearDown();
		await().atMost(WAIT).until(() -> this.connections.size() == 0);
	}

	@Test
	void aStreamRefusedForItsRoomHoldsNoPlace() throws Exception {
		stream();
		// the second of pushlab.rooms.max=2 rooms, so a stream on a third is refused
		assertThat(this.api.post("/api/rooms/conns-full/messages", "{\"from\":\"poster\",\"text\":\"x\"}").statusCode())
			.isEqualTo(201);
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> refused = this.api.get("/api/rooms/conns-new-" + i + "/events");
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(Api.parse(refused.body()).get("detail").asString()).startsWith("room:");
		}
		assertThat(this.connections.size()).isEqualTo(1);
		stream();
		stream();
		assertThat(this.connections.size()).isEqualTo(3);
	}

}
