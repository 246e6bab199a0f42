package io.pushlab.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A chat frame is a message of the room like a POST: every technique sees it. */
@ChatServerTest
class CrossTechniqueChatTests {

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aWebSocketChatReachesSseAndLongPollingClientsOfTheRoom() throws Exception {
		String room = "cross-" + UUID.randomUUID().toString().substring(0, 8);
		List<String> sseLines = new CopyOnWriteArrayList<>();
		HttpResponse<Stream<String>> sse = this.http.send(
				HttpRequest.newBuilder(url("/api/rooms/" + room + "/events")).build(),
				HttpResponse.BodyHandlers.ofLines());
		assertThat(sse.statusCode()).isEqualTo(200);
		CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> sse.body().forEach(sseLines::add));
		CompletableFuture<HttpResponse<String>> longPoll = this.http.sendAsync(
				HttpRequest.newBuilder(url("/api/rooms/" + room + "/longpoll?client=ws-cross-1&after=0&timeout=10000"))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		try (ChatClient walt = ChatClient.connect(this.port, "walt")) {
			await().atMost(ChatClient.WAIT)
				.until(() -> sseLines.stream().anyMatch((line) -> line.startsWith("retry:")));
			walt.join(room);
			walt.chat(room, "to every technique", "x-1");
			long id = walt.awaitReply("chat", "x-1").path("id").asLong();

			await().atMost(ChatClient.WAIT).until(() -> sseLines.contains("id: " + id));
			String data = sseLines.get(sseLines.indexOf("id: " + id) + 2);
			assertThat(data).startsWith("data: ");
			JsonNode fromSse = ChatClient.JSON.readTree(data.substring(6));
			assertThat(fromSse.path("text").asString()).isEqualTo("to every technique");
			assertThat(fromSse.path("from").asString()).isEqualTo("walt");
			assertThat(fromSse.path("nonce").asString()).isEqualTo("x-1");
			assertThat(fromSse.has("type")).as("the message itself, not the chat frame").isFalse();

			HttpResponse<String> polled = longPoll.get(ChatClient.WAIT.toSeconds(),
					java.util.concurrent.TimeUnit.SECONDS);
			assertThat(polled.statusCode()).isEqualTo(200);
			JsonNode messages = ChatClient.JSON.readTree(polled.body()).path("messages");
			assertThat(messages).hasSize(1);
			assertThat(messages.get(0).path("id").asLong()).isEqualTo(id);
			assertThat(messages.get(0).path("text").asString()).isEqualTo("to every technique");
		}
		finally {
			reader.cancel(true);
			sse.body().close();
		}
	}

	@Test
	void aPostedMessageReachesWebSocketMembers() throws Exception {
		String room = "posted-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChatClient xena = ChatClient.connect(this.port, "xena");
				ChatClient yuri = ChatClient.connect(this.port, "yuri")) {
			xena.join(room);
			yuri.join(room);
			yuri.awaitPresence(room, "xena", "yuri");
			HttpResponse<String> posted = this.http.send(HttpRequest.newBuilder(url("/api/rooms/" + room + "/messages"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers
					.ofString("{\"from\":\"poster\",\"text\":\"via http\",\"nonce\":\"h-1\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(posted.statusCode()).isEqualTo(201);
			long id = ChatClient.JSON.readTree(posted.body()).path("id").asLong();
			for (ChatClient client : List.of(xena, yuri)) {
				JsonNode chat = client.awaitReply("chat", "h-1");
				assertThat(chat.path("id").asLong()).isEqualTo(id);
				assertThat(chat.path("from").asString()).isEqualTo("poster");
				assertThat(chat.path("room").asString()).isEqualTo(room);
				assertThat(chat.path("text").asString()).isEqualTo("via http");
			}
		}
	}

	private URI url(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
