package io.pushlab.longpolling;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
 * An attacker's loop of fresh long-poll client ids cannot grow memory: past
 * {@code max-queues-per-address} (per remote address) and {@code max-queues} (in all) a
 * new queue is refused with 429 problem+json and {@code Retry-After}, counted in
 * {@code pushlab.rejected}; existing clients and other addresses go on untouched, and an
 * idle queue keeps no copy of history, only its cursor.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.long-polling.max-queues=10", "pushlab.long-polling.max-queues-per-address=4",
				"pushlab.long-polling.client-ttl=3s", "pushlab.long-polling.timeout=2s",
				// every client here is on loopback, which has no per-address bound by
				// default
				"pushlab.long-polling.limit-loopback=true" })
@ActiveProfiles("test")
class LongPollingQueueBoundsTests {

	@LocalServerPort
	int port;

	@Autowired
	ClientQueues queues;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
		// start from no queues at all: the previous test's expire after client-ttl
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queues.size() == 0);
	}

	private long rejected(String reason) {
		JsonNode rejected = this.api.getJson("/api/stats").get("rejected");
		return rejected.has(reason) ? rejected.get(reason).asLong() : 0;
	}

	private static String poll(String room, String client, long after, long timeout) {
		return "/api/rooms/" + room + "/longpoll?client=" + client + "&after=" + after + "&timeout=" + timeout;
	}

	private static String freshClient() {
		return "flood-" + UUID.randomUUID();
	}

	/** A raw response: its status and body. */
	private record Raw(int status, String body) {
	}

	private int getFrom(String sourceAddress, String path) throws IOException {
		return rawGet(sourceAddress, path).status();
	}

	/**
	 * A GET sent from a chosen loopback source address (127.0.0.x), so one test can be
	 * several remote addresses.
	 */
	private Raw rawGet(String sourceAddress, String path) throws IOException {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(sourceAddress, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder statusLine = new StringBuilder();
			int b;
			while ((b = in.read()) != -1 && b != '\n') {
				statusLine.append((char) b);
			}
			String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			int body = rest.indexOf("\r\n\r\n");
			return new Raw(Integer.parseInt(statusLine.toString().split(" ")[1]),
					(body >= 0) ? rest.substring(body + 4) : "");
		}
	}

	@Test
	void aFloodOfFreshClientIdsIsRefusedPastThePerAddressBoundAndOthersGoOn() throws Exception {
		String room = "lp-flood";
		String wellBehaved = "well-behaved-client";
		// the well-behaved client polls from another address
		assertThat(getFrom("127.0.0.2", poll(room, wellBehaved, 0, 0))).isEqualTo(204);
		long before = rejected(ClientQueues.ADDRESS_QUEUES_FULL);
		int created = 0;
		int refused = 0;
		HttpResponse<String> refusal = null;
		List<Long> received = new ArrayList<>();
		long cursor = 0;
		for (int i = 0; i < 2000; i++) {
			HttpResponse<String> response = this.api.get(poll(room, freshClient(), 0, 0));
			if (response.statusCode() == 429) {
				refused++;
				refusal = response;
			}
			else {
				// a new queue answers at once with the room's history (or nothing)
				assertThat(response.statusCode()).isIn(200, 204);
				created++;
			}
			assertThat(this.queues.size("127.0.0.1")).isLessThanOrEqualTo(4);
			if (i % 100 == 0) {
				// meanwhile the well-behaved client gets every message published
				this.api.publish(room, "alice", "m" + i);
				Raw page = rawGet("127.0.0.2", poll(room, wellBehaved, cursor, 2000));
				assertThat(page.status()).isEqualTo(200);
				for (JsonNode message : Api.parse(page.body()).get("messages")) {
					received.add(message.get("id").asLong());
					cursor = message.get("id").asLong();
				}
			}
		}
		assertThat(received).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L,
				18L, 19L, 20L);
		// the queues are bounded: at most 4 from the flooding address, whatever expired
		// and was created again meanwhile, and the well-behaved client's
		assertThat(refused).isGreaterThan(1500);
		assertThat(this.queues.size()).isLessThanOrEqualTo(5);
		assertThat(this.queues.holds(wellBehaved, room)).isTrue();
		assertThat(refusal.statusCode()).isEqualTo(429);
		assertThat(refusal.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(refusal.headers().firstValue("Retry-After")).hasValue("3");
		JsonNode problem = Api.parse(refusal.body());
		assertThat(problem.get("status").asInt()).isEqualTo(429);
		assertThat(problem.get("detail").asString()).startsWith("client: your address holds 4 long-polling queues");
		assertThat(rejected(ClientQueues.ADDRESS_QUEUES_FULL) - before).isEqualTo(refused);
		// another address is not affected by this one's flood
		assertThat(getFrom("127.0.0.3", poll(room, freshClient(), 0, 0))).isEqualTo(200);
		// once the idle queues expire (client-ttl), the address may create queues again
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get(poll(room, freshClient(), 0, 0)).statusCode() == 200);
		assertThat(created).isGreaterThanOrEqualTo(3);
	}

	@Test
	void pastTheGlobalBoundEveryAddressIsRefused() throws Exception {
		String room = "lp-global";
		long before = rejected(ClientQueues.QUEUES_FULL);
		// 3 addresses × 4 queues would be 12: the 11th queue in all is refused
		List<Integer> statuses = new ArrayList<>();
		for (int address = 2; address <= 4; address++) {
			for (int i = 0; i < 4; i++) {
				statuses.add(getFrom("127.0.0." + address, poll(room, freshClient(), 0, 0)));
			}
		}
		assertThat(statuses.subList(0, 10)).containsOnly(204);
		assertThat(statuses.subList(10, 12)).containsOnly(429);
		assertThat(this.queues.size()).isEqualTo(10);
		HttpResponse<String> refusal = this.api.get(poll(room, freshClient(), 0, 0));
		assertThat(refusal.statusCode()).isEqualTo(429);
		assertThat(Api.parse(refusal.body()).get("detail").asString())
			.isEqualTo("client: the server holds its maximum of 10 long-polling queues; try again later");
		assertThat(rejected(ClientQueues.QUEUES_FULL) - before).isEqualTo(3);
	}

	@Test
	void anIdleQueueKeepsNoHistoryAndItsClientStillGetsEveryRetainedMessage() {
		String room = "lp-no-copy";
		for (int i = 1; i <= 250; i++) {
			this.api.publish(room, "alice", "m" + i);
		}
		String client = "cursor-only-client";
		List<Long> ids = new ArrayList<>();
		long cursor = 0;
		for (int round = 0; round < 3; round++) {
			HttpResponse<String> page = this.api.get(poll(room, client, cursor, 0));
			assertThat(page.statusCode()).isEqualTo(200);
			for (JsonNode message : Api.parse(page.body()).get("messages")) {
				ids.add(message.get("id").asLong());
				cursor = message.get("id").asLong();
			}
			// between two requests the queue holds no message, only its cursor
			assertThat(this.queues.held(client, room)).isZero();
			this.api.publish(room, "alice", "between " + round);
			assertThat(this.queues.held(client, room)).isZero();
		}
		HttpResponse<String> last = this.api.get(poll(room, client, cursor, 0));
		for (JsonNode message : Api.parse(last.body()).get("messages")) {
			ids.add(message.get("id").asLong());
		}
		assertThat(ids).hasSize(253);
		for (int i = 0; i < ids.size(); i++) {
			assertThat(ids.get(i)).isEqualTo(i + 1);
		}
	}

}
