package io.pushlab.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/rooms/{room}/messages} cannot speak as a chat user: a {@code from}
 * that another session holds, has reserved, or imitates is refused with 409 naming
 * {@code from}; the name's own session may post under it.
 */
@ChatServerTest
class SenderSpoofingTests {

	@LocalServerPort
	int port;

	@Test
	void aPostUnderAConnectedUsersNameIsRefusedUnlessItComesFromThatUsersSession() throws Exception {
		String name = NameGraceTests.randomName("victim");
		String room = "spoof-" + name.substring(7);
		Api api = new Api(this.port);
		long before = api.getJson("/api/stats").path("rejected").path("name_in_use").asLong(0);
		HttpClient browser = ChatClient.browser(this.port);
		try (ChatClient victim = ChatClient.connect(browser, this.port, name)) {
			victim.join(room);
			victim.awaitFrame((frame) -> frame.path("type").asString().equals("history"));

			HttpResponse<String> spoofed = api.post("/api/rooms/" + room + "/messages",
					"{\"from\":\"" + name + "\",\"text\":\"I said this\"}");
			assertThat(spoofed.statusCode()).isEqualTo(409);
			assertThat(spoofed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			JsonNode problem = Api.parse(spoofed.body());
			assertThat(problem.path("type").asString()).isEqualTo("urn:pushlab:problem:conflict");
			assertThat(problem.path("detail").asString()).startsWith("from: " + name + " is the name of a connected");
			assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("from");

			HttpResponse<String> own = post(browser, room, name, "from my own browser");
			assertThat(own.statusCode()).isEqualTo(201);
			victim.awaitFrame((frame) -> "from my own browser".equals(frame.path("text").asString(null)));
			assertThat(victim.frames("chat")).noneMatch((frame) -> frame.path("text").asString().equals("I said this"));
		}

		// reserved while its owner may come back
		await().atMost(ChatClient.WAIT).untilAsserted(() -> {
			HttpResponse<String> response = api.post("/api/rooms/" + room + "/messages",
					"{\"from\":\"" + name + "\",\"text\":\"now?\"}");
			assertThat(response.statusCode()).isEqualTo(409);
			assertThat(Api.parse(response.body()).path("detail").asString()).contains("is reserved");
		});
		assertThat(api.getJson("/api/stats").path("rejected").path("name_in_use").asLong())
			.isGreaterThanOrEqualTo(before + 2);
	}

	@Test
	void aPostUnderALookAlikeOfAConnectedUsersNameIsRefused() {
		String name = NameGraceTests.randomName("lena");
		Api api = new Api(this.port);
		try (ChatClient lena = ChatClient.connect(ChatClient.browser(this.port), this.port, name)) {
			lena.join("lobby");
			lena.awaitFrame((frame) -> frame.path("type").asString().equals("history"));
			HttpResponse<String> response = api.post("/api/rooms/lobby/messages",
					"{\"from\":\"1" + name.substring(1) + "\",\"text\":\"hi\"}");
			assertThat(response.statusCode()).isEqualTo(409);
			assertThat(Api.parse(response.body()).path("detail").asString()).contains("looks like");
		}
	}

	@Test
	void aNameNobodyHoldsMayStillBePosted() {
		assertThat(
				new Api(this.port).publish("lobby", NameGraceTests.randomName("poster"), "hello").path("id").asLong())
			.isPositive();
	}

	private HttpResponse<String> post(HttpClient browser, String room, String from, String text) throws Exception {
		return browser.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/rooms/" + room + "/messages"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + from + "\",\"text\":\"" + text + "\"}"))
					.build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
