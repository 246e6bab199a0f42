package io.pushlab.rooms;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import io.pushlab.support.Api;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class PublishTests {

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void publishStoresTheMessageAndAnswers201WithLocation() {
		HttpResponse<String> response = this.api.post("/api/rooms/pub-ok/messages",
				"{\"from\":\"小明\",\"text\":\"你好 <b>\",\"nonce\":\"c-42\"}");
		assertThat(response.statusCode()).isEqualTo(201);
		JsonNode message = Api.parse(response.body());
		assertThat(message.get("id").asLong()).isEqualTo(1);
		assertThat(message.get("room").asString()).isEqualTo("pub-ok");
		assertThat(message.get("from").asString()).isEqualTo("小明");
		assertThat(message.get("text").asString()).isEqualTo("你好 <b>");
		assertThat(message.get("nonce").asString()).isEqualTo("c-42");
		assertThat(message.get("sentAt").asLong()).isGreaterThan(1_700_000_000_000L);
		assertThat(response.headers().firstValue("Location")).hasValue("/api/rooms/pub-ok/messages/1");
		JsonNode fetched = this.api.getJson("/api/rooms/pub-ok/messages/1");
		assertThat(fetched).isEqualTo(message);
		assertThat(this.api.get("/api/rooms/pub-ok/messages/2").statusCode()).isEqualTo(404);
		assertThat(this.api.get("/api/rooms/pub-ok/messages/x").statusCode()).isEqualTo(400);
	}

	@Test
	void invalidInputIsRejectedNamingTheFieldAndNothingIsStored() {
		String room = "pub-bad";
		assertRejected("/api/rooms/Not_A_Room/messages", "{\"from\":\"a\",\"text\":\"t\"}", 400, "room:");
		assertRejected("/api/rooms/" + "x".repeat(33) + "/messages", "{\"from\":\"a\",\"text\":\"t\"}", 400, "room:");
		assertRejected(path(room), "{\"from\":\"bad name!\",\"text\":\"t\"}", 400, "from:");
		assertRejected(path(room), "{\"text\":\"t\"}", 400, "from:");
		assertRejected(path(room), "{\"from\":\"" + "a".repeat(33) + "\",\"text\":\"t\"}", 400, "from:");
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":\"   \"}", 400, "text:");
		assertRejected(path(room), "{\"from\":\"alice\"}", 400, "text:");
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":\"" + "x".repeat(2001) + "\"}", 400, "text:");
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":5}", 400, "text:");
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":\"t\",\"nonce\":\"" + "n".repeat(65) + "\"}", 400,
				"nonce:");
		// blank to a reader: no-break spaces, a zero-width space, an ideographic space
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":\"\\u00a0\\u200b\\u3000\"}", 400, "text:");
		// half of a surrogate pair, which no UTF-8 answer could carry
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":\"x\\ud800y\"}", 400, "text:");
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":\"t\",\"nonce\":\"\\udc00\"}", 400, "nonce:");
		assertRejected(path(room), "{\"from\":\"alice\",\"text\":\"t\",\"nonce\":\"" + "😀".repeat(65) + "\"}", 400,
				"nonce:");
		assertRejected(path(room), "{\"from\":\"alice\",", 400, "body:");
		assertRejected(path(room), "[1,2]", 400, "body:");
		assertRejected(path(room), "", 400, "body:");
		JsonNode page = this.api.getJson("/api/rooms/" + room + "/messages");
		assertThat(page.get("last").asLong()).isZero();
		assertThat(page.get("messages").size()).isZero();
	}

	@Test
	void lengthsCountCharactersNotUtf16Units() {
		String emoji = "😀";
		HttpResponse<String> response = this.api.post(path("pub-emoji"),
				"{\"from\":\"alice\",\"text\":\"" + emoji.repeat(2000) + "\",\"nonce\":\"" + emoji.repeat(64) + "\"}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		JsonNode message = Api.parse(response.body());
		assertThat(message.get("text").asString()).isEqualTo(emoji.repeat(2000));
		assertThat(message.get("nonce").asString()).isEqualTo(emoji.repeat(64));
	}

	@Test
	void aMethodOrAnAcceptThePathDoesNotServeIsAProblemOfOurs() {
		HttpResponse<String> put = this.api.send(HttpRequest.newBuilder(this.api.uri(path("pub-method")))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{}"))
			.build());
		assertProblem(put, 405, "method: PUT is not allowed here (allowed: ");
		assertThat(put.headers().firstValue("Allow")).hasValueSatisfying((allow) -> assertThat(allow).contains("POST"));
		assertThat(Api.parse(put.body()).get("type").asString()).isEqualTo("urn:pushlab:problem:method-not-allowed");

		HttpResponse<String> html = this.api
			.send(HttpRequest.newBuilder(this.api.uri("/api/stats")).header("Accept", "text/html").build());
		assertProblem(html, 406, "Accept: must allow application/json");
		assertThat(Api.parse(html.body()).get("type").asString()).isEqualTo("urn:pushlab:problem:not-acceptable");
	}

	@Test
	void aBodyThatIsNotJsonSaysWhereAndWhyWithoutTheParsersInternals() {
		String[][] cases = { { "{\"from\":\"al\",\"text\":\"x\"", "the JSON ends before it is complete" },
				{ "{\"from\":\"al\",\"text\":\"x\"} {}", "line 1, column 26: something follows the JSON value" },
				{ "{\"from\":\"al\",}", "line 1, column 14: Unexpected character ('}'" } };
		for (String[] c : cases) {
			HttpResponse<String> response = this.api.post(path("pub-syntax"), c[0]);
			assertProblem(response, 400, "body");
			String detail = Api.parse(response.body()).get("detail").asString();
			assertThat(detail).as(c[0])
				.startsWith("body: must be a JSON object with from and text (")
				.contains(c[1])
				.doesNotContain("Source", "REDACTED", "`", "tools.jackson", "Feature");
		}
	}

	@Test
	void everyInvalidFieldIsListed() {
		HttpResponse<String> response = this.api.post(path("pub-many"), "{\"from\":\"\",\"text\":\"\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode problem = Api.parse(response.body());
		assertThat(problem.get("errors").size()).isEqualTo(2);
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("from");
		assertThat(problem.get("errors").get(1).get("field").asString()).isEqualTo("text");
	}

	@Test
	void aBodyOver64KiBIsRejectedWith413WithOrWithoutContentLength() {
		String big = "{\"from\":\"alice\",\"text\":\"" + "x".repeat(70_000) + "\"}";
		HttpResponse<String> sized = this.api.post(path("pub-big"), big);
		assertProblem(sized, 413, "body:");
		byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
		HttpRequest chunked = HttpRequest.newBuilder(this.api.uri(path("pub-big")))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
			.build();
		assertProblem(this.api.send(chunked), 413, "body:");
		assertThat(this.api.getJson("/api/rooms/pub-big/messages").get("last").asLong()).isZero();
	}

	private static String path(String room) {
		return "/api/rooms/" + room + "/messages";
	}

	private void assertRejected(String path, String body, int status, String field) {
		assertProblem(this.api.post(path, body), status, field);
	}

	private static void assertProblem(HttpResponse<String> response, int status, String field) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = Api.parse(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.has("type")).isTrue();
		assertThat(problem.get("detail").asString()).startsWith(field);
	}

}
