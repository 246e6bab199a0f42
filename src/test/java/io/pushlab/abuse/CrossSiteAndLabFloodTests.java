package io.pushlab.abuse;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.pushlab.support.Api;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cross-site form cannot publish or use the lab (415), and a flood of parallel lab
 * requests is refused past {@code pushlab.lab.max-concurrent-requests} (429 with
 * {@code Retry-After}) while publishing and short polling go on.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.lab.max-concurrent-requests=2")
@ActiveProfiles("test")
class CrossSiteAndLabFloodTests {

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	private long rejected(String reason) {
		JsonNode rejected = this.api.getJson("/api/stats").get("rejected");
		return rejected.has(reason) ? rejected.get(reason).asLong() : 0;
	}

	private HttpResponse<String> postAs(String path, String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.api.uri(path))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		return this.api.send(request.build());
	}

	@Test
	void aCrossSiteTextPlainFormCannotPublishNorUseTheLab() {
		long before = rejected("unsupported_media_type");
		String json = "{\"from\":\"mallory\",\"text\":\"forged\"}";
		for (String contentType : new String[] { "text/plain", "application/x-www-form-urlencoded", null }) {
			HttpResponse<String> response = postAs("/api/rooms/xsite/messages", contentType, json);
			assertThat(response.statusCode()).as(String.valueOf(contentType)).isEqualTo(415);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(Api.parse(response.body()).get("detail").asString())
				.startsWith("Content-Type: must be application/json");
		}
		HttpResponse<String> lab = postAs("/api/lab/handshake", "text/plain", "{\"key\":\"dGhlIHNhbXBsZSBub25jZQ==\"}");
		assertThat(lab.statusCode()).isEqualTo(415);
		assertThat(this.api.getJson("/api/rooms/xsite/messages").get("last").asLong()).isZero();
		assertThat(rejected("unsupported_media_type") - before).isEqualTo(4);
		assertThat(postAs("/api/rooms/xsite/messages", "application/json; charset=utf-8", json).statusCode())
			.isEqualTo(201);
	}

	@Test
	void parallelLabRequestsPastTheBoundAreRefusedWith429AndOthersAreServed() throws Exception {
		long before = rejected("lab_busy");
		List<Socket> holders = new ArrayList<>();
		try {
			// two requests announce a 1 MiB body and send none of it: each holds a permit
			for (int i = 0; i < 2; i++) {
				Socket socket = new Socket("127.0.0.1", this.port);
				OutputStream out = socket.getOutputStream();
				out.write(("POST /api/lab/frames/decode HTTP/1.1\r\nHost: localhost\r\n"
						+ "Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{\"hex\":\"")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				holders.add(socket);
			}
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
				HttpResponse<String> refused = this.api.post("/api/lab/frames/decode", "{\"hex\":\"8100\"}");
				assertThat(refused.statusCode()).isEqualTo(429);
				assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
				assertThat(Api.parse(refused.body()).get("detail").asString()).startsWith("lab: too many");
			});
			assertThat(rejected("lab_busy")).isGreaterThan(before);
			// everyone else is served meanwhile
			this.api.publish("lab-flood", "alice", "still here");
			assertThat(this.api.getJson("/api/rooms/lab-flood/messages?after=0").get("messages").size()).isEqualTo(1);
		}
		finally {
			for (Socket socket : holders) {
				socket.close();
			}
		}
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(20))
			.until(() -> this.api.post("/api/lab/frames/decode", "{\"hex\":\"8100\"}").statusCode() == 200);
	}

}
