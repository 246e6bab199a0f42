package io.pushlab.websocket;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushlab.support.Api;
import io.pushlab.support.RawSse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SSE streams that stop reading, more of them than delivery threads (32 against 2), in a
 * room that healthy WebSocket members follow. A stuck stream's write blocks a delivery
 * thread, and idle WebSocket connections start their writes on the same pool, so this is
 * the direction in which one technique's stuck clients could delay the other's. The
 * members receive 1,000 messages published at 50 per second: every one, in order, with a
 * p99 latency under 200 ms; the stuck streams are ended and counted as slow consumers.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.delivery.threads=2", "pushlab.sse.buffer-size=100", "pushlab.max-text-length=8000" })
@ActiveProfiles("test")
class StuckSseStreamsTests {

	static final int STUCK = 32;

	static final int MEMBERS = 20;

	static final int MESSAGES = 1000;

	@LocalServerPort
	int port;

	@Test
	void sseStreamsThatStopReadingDoNotDelayWebSocketMembers() throws Exception {
		Api api = new Api(this.port);
		String room = "stuck-sse";
		long slowBefore = api.rejected("slow_consumer");
		Map<Long, Long> publishedAt = new ConcurrentHashMap<>();
		List<Member> members = new ArrayList<>();
		List<Socket> stuck = new ArrayList<>();
		ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
		try {
			HttpClient http = HttpClient.newHttpClient();
			for (int i = 0; i < MEMBERS; i++) {
				members.add(Member.join(http, ChatClient.uri(this.port, "member" + i), room));
			}
			for (int i = 0; i < STUCK; i++) {
				stuck.add(RawSse.open(this.port, room));
			}
			for (Member member : members) {
				assertThat(member.joined.await(20, TimeUnit.SECONDS)).isTrue();
			}

			// 4 MB per stuck stream: far more than its socket buffers hold
			String text = "x".repeat(4000);
			AtomicInteger sent = new AtomicInteger();
			CountDownLatch published = new CountDownLatch(1);
			publisher.scheduleAtFixedRate(() -> {
				if (sent.get() >= MESSAGES) {
					published.countDown();
					return;
				}
				long before = System.nanoTime();
				JsonNode message = api.publish(room, "alice", text);
				publishedAt.put(message.get("id").asLong(), before);
				sent.incrementAndGet();
			}, 0, 20, TimeUnit.MILLISECONDS);
			assertThat(published.await(120, TimeUnit.SECONDS)).isTrue();

			List<Long> latencies = new ArrayList<>();
			for (Member member : members) {
				await().atMost(Duration.ofSeconds(30)).until(() -> member.ids.size() >= MESSAGES);
				assertThat(member.ids).hasSize(MESSAGES);
				for (int i = 0; i < MESSAGES; i++) {
					assertThat(member.ids.get(i)).isEqualTo(member.ids.get(0) + i);
				}
				for (int i = 0; i < MESSAGES; i++) {
					latencies.add(member.arrivedAt.get(i) - publishedAt.get(member.ids.get(i)));
				}
				assertThat(member.closed).isFalse();
			}
			latencies.sort(null);
			long p99 = latencies.get(latencies.size() * 99 / 100);
			assertThat(Duration.ofNanos(p99)).isLessThan(Duration.ofMillis(200));
			await().atMost(Duration.ofSeconds(30)).until(() -> api.rejected("slow_consumer") - slowBefore == STUCK);
		}
		finally {
			publisher.shutdownNow();
			for (Socket socket : stuck) {
				socket.close();
			}
			for (Member member : members) {
				member.socket.abort();
			}
		}
	}

	/** A WebSocket member that records each chat message's id and arrival time. */
	static final class Member implements WebSocket.Listener {

		final List<Long> ids = new CopyOnWriteArrayList<>();

		final List<Long> arrivedAt = new CopyOnWriteArrayList<>();

		final CountDownLatch joined = new CountDownLatch(1);

		private final StringBuilder text = new StringBuilder();

		volatile boolean closed;

		WebSocket socket;

		static Member join(HttpClient http, URI uri, String room) {
			Member member = new Member();
			member.socket = http.newWebSocketBuilder().buildAsync(uri, member).join();
			member.socket.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}", true).join();
			return member;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				long now = System.nanoTime();
				JsonNode frame = ChatClient.JSON.readTree(this.text.toString());
				this.text.setLength(0);
				String type = frame.path("type").asString();
				if ("history".equals(type)) {
					this.joined.countDown();
				}
				else if ("chat".equals(type)) {
					this.ids.add(frame.path("id").asLong());
					this.arrivedAt.add(now);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed = true;
			return null;
		}

	}

}
