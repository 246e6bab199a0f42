package io.pushlab.websocket;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Message;
import io.pushlab.hub.PrivateMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.TextMessage;

import static org.assertj.core.api.Assertions.assertThat;

class ServerFramesTests {

	final JsonMapper json = JsonMapper.builder().build();

	final ServerFrames frames = new ServerFrames(this.json);

	final Envelope envelope = envelope(7, "héllo \"you\"");

	@Test
	void chatIsTheMessageWithATypeEncodedOncePerMessage() {
		TextMessage chat = this.envelope.encoded(ServerFrames.CHAT);
		assertThat(chat.getPayload()).isEqualTo("{\"type\":\"chat\"," + this.envelope.json().substring(1));
		assertThat(this.json.readTree(chat.getPayload()).path("text").asString()).isEqualTo("héllo \"you\"");
		assertThat(chat.getPayloadLength()).isEqualTo(chat.getPayload().getBytes(StandardCharsets.UTF_8).length);
		assertThat(this.envelope.encoded(ServerFrames.CHAT)).isSameAs(chat);
	}

	@Test
	void historyListsTheMessagesInOrder() {
		TextMessage history = ServerFrames.history("lobby", List.of(this.envelope, envelope(8, "next")));
		var node = this.json.readTree(history.getPayload());
		assertThat(node.path("type").asString()).isEqualTo("history");
		assertThat(node.path("room").asString()).isEqualTo("lobby");
		assertThat(node.path("messages").get(1).path("id").asLong()).isEqualTo(8);
		assertThat(ServerFrames.history("lobby", List.of()).getPayload())
			.isEqualTo("{\"type\":\"history\",\"room\":\"lobby\",\"messages\":[]}");
	}

	@Test
	void presencePrivateAndErrorFramesHaveTheContractsFields() {
		assertThat(this.frames.presence("lobby", List.of("a", "小明"), 2).getPayload())
			.isEqualTo("{\"type\":\"presence\",\"room\":\"lobby\",\"users\":[\"a\",\"小明\"],\"count\":2}");
		assertThat(this.frames.presenceDelta("lobby", "小明", true, 3).getPayload())
			.isEqualTo("{\"type\":\"presence\",\"room\":\"lobby\",\"joined\":\"小明\",\"count\":3}");
		assertThat(this.frames.presenceDelta("lobby", "a", false, 2).getPayload())
			.isEqualTo("{\"type\":\"presence\",\"room\":\"lobby\",\"left\":\"a\",\"count\":2}");
		assertThat(this.frames.privateMessage(new PrivateMessage("a", "b", "<b>", null, 5)).getPayload()).isEqualTo(
				"{\"type\":\"private\",\"from\":\"a\",\"to\":\"b\",\"text\":\"<b>\",\"nonce\":null,\"sentAt\":5}");
		assertThat(this.frames.error(ErrorCode.NOT_JOINED, "room: not joined", "n").getPayload())
			.isEqualTo("{\"type\":\"error\",\"code\":\"not_joined\",\"message\":\"room: not joined\",\"nonce\":\"n\"}");
	}

	private Envelope envelope(long id, String text) {
		Message message = new Message(id, "lobby", "ann", text, "n" + id, 1000 + id);
		return new Envelope(message, this.json.writeValueAsString(message));
	}

}
