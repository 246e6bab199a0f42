package io.pushlab.longpolling;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pushlab.support.Api;
import io.pushlab.support.LongPollReader;
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

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class LongPollingTests {

	@LocalServerPort
	int port;

	@Autowired
	ClientQueues queues;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	private String poll(String room, String client, long after, long timeout) {
		return "/api/rooms/" + room + "/longpoll?client=" + client + "&after=" + after + "&timeout=" + timeout;
	}

	private static List<Long> ids(String body) {
		List<Long> ids = new ArrayList<>();
		Api.parse(body).get("messages").forEach((message) -> ids.add(message.get("id").asLong()));
		return ids;
	}

	@Test
	void aClientThatRePollsInALoopGetsAll500MessagesExactlyOnceInOrder() throws Exception {
		String room = "lp-500";
		String client = "loop-client-1";
		assertThat(this.api.get(poll(room, client, 0, 0)).statusCode()).isEqualTo(204);
		LongPollReader reader = new LongPollReader((request) -> this.api, room, client, 500);
		for (int i = 1; i <= 500; i++) {
			this.api.publish(room, "alice", "m" + i);
		}
		List<Long> ids = reader.await(Duration.ofSeconds(60));
		List<Long> expected = new ArrayList<>();
		for (long id = 1; id <= 500; id++) {
			expected.add(id);
		}
		assertThat(ids).isEqualTo(expected);
	}

	@Test
	void aParkedRequestTimesOutWith204() {
		HttpResponse<String> response = this.api.get(poll("lp-timeout", "timeout-client", 0, 300));
		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(response.body()).isEmpty();
	}

	@Test
	void aShortTimeoutEndsTheWaitWhenItPassesNotAtTheContainersNextSecond() {
		// the container checks async timeouts once a second: five waits of 150 ms that
		// end at its ticks would take 150-1,150 ms each
		for (int i = 0; i < 5; i++) {
			long started = System.nanoTime();
			HttpResponse<String> response = this.api.get(poll("lp-short-wait", "short-wait-client", 0, 150));
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			assertThat(response.statusCode()).isEqualTo(204);
			assertThat(tookMillis).as("wait %d", i).isBetween(150L, 650L);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.queues.isParked("short-wait-client", "lp-short-wait"));
	}

	@Test
	void aParkedRequestIsAnsweredAsSoonAsAMessageArrives() throws Exception {
		String room = "lp-wake";
		CompletableFuture<HttpResponse<String>> parked = sendAsync(poll(room, "wake-client", 0, 20_000));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.queues.holds("wake-client", room));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.queues.parked() > 0);
		this.api.publish(room, "alice", "wake up");
		HttpResponse<String> response = parked.get(10, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode page = Api.parse(response.body());
		assertThat(page.get("room").asString()).isEqualTo(room);
		assertThat(page.get("messages").get(0).get("text").asString()).isEqualTo("wake up");
		assertThat(page.get("last").asLong()).isEqualTo(1);
		assertThat(page.get("gap").asBoolean()).isFalse();
	}

	@Test
	void aNewerRequestCompletesTheOlderParkedOneWith204() throws Exception {
		String room = "lp-newer";
		CompletableFuture<HttpResponse<String>> first = sendAsync(poll(room, "newer-client", 0, 20_000));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.queues.holds("newer-client", room));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.queues.parked() > 0);
		CompletableFuture<HttpResponse<String>> second = sendAsync(poll(room, "newer-client", 0, 20_000));
		HttpResponse<String> older = first.get(5, TimeUnit.SECONDS);
		assertThat(older.statusCode()).isEqualTo(204);
		assertThat(second).isNotDone();
		this.api.publish(room, "alice", "for the newer one");
		assertThat(second.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
	}

	@Test
	void messagesPublishedBetweenTwoRequestsWaitInTheQueue() {
		String room = "lp-between";
		String client = "between-client";
		assertThat(this.api.get(poll(room, client, 0, 0)).statusCode()).isEqualTo(204);
		this.api.publish(room, "alice", "one");
		this.api.publish(room, "alice", "two");
		HttpResponse<String> response = this.api.get(poll(room, client, 0, 5000));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ids(response.body())).containsExactly(1L, 2L);
	}

	@Test
	void theFirstRequestWithACursorPrimesTheQueueFromHistoryAndNeverReturnsOldIds() {
		String room = "lp-prime";
		for (int i = 1; i <= 5; i++) {
			this.api.publish(room, "alice", "m" + i);
		}
		HttpResponse<String> first = this.api.get(poll(room, "prime-client", 2, 5000));
		assertThat(ids(first.body())).containsExactly(3L, 4L, 5L);
		assertThat(this.api.get(poll(room, "prime-client", 5, 200)).statusCode()).isEqualTo(204);
	}

	@Test
	void aLostResponseIsSentAgainWhenTheClientRepeatsItsOlderCursor() {
		String room = "lp-lost";
		String client = "lost-client";
		for (int i = 1; i <= 3; i++) {
			this.api.publish(room, "alice", "m" + i);
		}
		assertThat(ids(this.api.get(poll(room, client, 0, 5000)).body())).containsExactly(1L, 2L, 3L);
		this.api.publish(room, "alice", "m4");
		// the client never saw 1..3 (say the response was lost): it asks again from 0
		assertThat(ids(this.api.get(poll(room, client, 0, 5000)).body())).containsExactly(1L, 2L, 3L, 4L);
		assertThat(ids(this.api.get(poll(room, client, 2, 5000)).body())).containsExactly(3L, 4L);
		assertThat(this.api.get(poll(room, client, 4, 200)).statusCode()).isEqualTo(204);
	}

	@Test
	void invalidParametersAreRejectedNamingTheField() {
		assertBadRequest("/api/rooms/lp-bad/longpoll?client=short", "client:");
		assertBadRequest("/api/rooms/lp-bad/longpoll?client=has%20spaces%20in%20it", "client:");
		assertBadRequest("/api/rooms/lp-bad/longpoll", "client:");
		assertBadRequest("/api/rooms/lp-bad/longpoll?client=valid-client&after=-3", "after:");
		assertBadRequest("/api/rooms/lp-bad/longpoll?client=valid-client&after=x", "after:");
		assertBadRequest("/api/rooms/lp-bad/longpoll?client=valid-client&timeout=-1", "timeout:");
		assertBadRequest("/api/rooms/LP_BAD/longpoll?client=valid-client", "room:");
		assertThat(this.queues.holds("valid-client", "lp-bad")).isFalse();
	}

	private void assertBadRequest(String path, String field) {
		HttpResponse<String> response = this.api.get(path);
		assertThat(response.statusCode()).as(path).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.parse(response.body()).get("detail").asString()).startsWith(field);
	}

	private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
		return this.api.http()
			.sendAsync(HttpRequest.newBuilder(this.api.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

}
