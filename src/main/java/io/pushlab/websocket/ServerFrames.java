package io.pushlab.websocket;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.PrivateMessage;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.TextMessage;

/**
 * Encodes the frames the server sends. Each frame is built once and the same
 * {@link TextMessage} (text and UTF-8 bytes) goes to every connection that gets it; room
 * messages reuse the JSON the hub serialized when they were published. Thread-safe.
 */
@Component
final class ServerFrames {

	/**
	 * {@code {"type":"chat", ...message}}: encoded once per message, through
	 * {@link Envelope#encoded}, and shared by every member of the room.
	 */
	static final Function<Envelope, TextMessage> CHAT = (envelope) -> text(
			"{\"type\":\"chat\"," + envelope.json().substring(1));

	/**
	 * {@code {"type":"presence","room","users","count"}}: the room's list (its first
	 * {@code presence-list-limit} names) and how many users it has.
	 */
	record PresenceFrame(String type, String room, List<String> users, int count) {
	}

	/** {@code {"type":"presence","room","joined","count"}}: one user joined. */
	record PresenceJoined(String type, String room, String joined, int count) {
	}

	/** {@code {"type":"presence","room","left","count"}}: one user left. */
	record PresenceLeft(String type, String room, String left, int count) {
	}

	/** {@code {"type":"private","from","to","text","nonce","sentAt"}}. */
	record PrivateFrame(String type, String from, String to, String text, String nonce, long sentAt) {
	}

	/** {@code {"type":"error","code","message","nonce"}}. */
	record ErrorFrame(String type, String code, String message, String nonce) {
	}

	private final JsonMapper jsonMapper;

	ServerFrames(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * @param room a validated room name (needs no escaping)
	 * @param messages the messages, oldest first
	 * @return {@code {"type":"history","room","messages":[...]}}
	 */
	static TextMessage history(String room, List<Envelope> messages) {
		int size = 48 + room.length();
		for (Envelope envelope : messages) {
			size += envelope.json().length() + 1;
		}
		StringBuilder json = new StringBuilder(size);
		json.append("{\"type\":\"history\",\"room\":\"").append(room).append("\",\"messages\":[");
		for (int i = 0; i < messages.size(); i++) {
			if (i > 0) {
				json.append(',');
			}
			json.append(messages.get(i).json());
		}
		return text(json.append("]}").toString());
	}

	TextMessage presence(String room, List<String> users, int count) {
		return json(new PresenceFrame("presence", room, users, count));
	}

	TextMessage presenceDelta(String room, String user, boolean joined, int count) {
		return json(joined ? new PresenceJoined("presence", room, user, count)
				: new PresenceLeft("presence", room, user, count));
	}

	TextMessage privateMessage(PrivateMessage message) {
		return json(new PrivateFrame("private", message.from(), message.to(), message.text(), message.nonce(),
				message.sentAt()));
	}

	TextMessage error(ErrorCode code, String message, String nonce) {
		return json(new ErrorFrame("error", code.wire(), message, nonce));
	}

	private TextMessage json(Object frame) {
		return new TextMessage(this.jsonMapper.writeValueAsBytes(frame));
	}

	/** A message that carries its UTF-8 bytes, so its length is never computed again. */
	private static TextMessage text(String json) {
		return new TextMessage(json.getBytes(StandardCharsets.UTF_8));
	}

}
