package io.pushlab.websocket;

import io.pushlab.hub.MessageRules;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Parses and validates client frames against the contract: a JSON object with a
 * {@code type} and that type's fields. Unknown extra fields are ignored; a client's
 * {@code from} is never read. Stateless and thread-safe.
 */
@Component
final class ClientFrames {

	private static final String TYPES = "type: must be one of join, leave, chat, private";

	private final JsonMapper jsonMapper;

	private final MessageRules rules;

	ClientFrames(JsonMapper jsonMapper, MessageRules rules) {
		this.jsonMapper = jsonMapper;
		this.rules = rules;
	}

	/**
	 * @param payload the text of a frame
	 * @return the frame
	 * @throws FrameException when the frame breaks the contract, with the error's code
	 * and the frame's nonce when it has a valid one
	 */
	ClientFrame parse(String payload) {
		JsonNode node;
		try {
			node = this.jsonMapper.readTree(payload);
		}
		catch (JacksonException ex) {
			throw new FrameException(ErrorCode.BAD_JSON,
					"frame: must be a JSON object (" + ex.getOriginalMessage() + ")", null);
		}
		if (node == null || !node.isObject()) {
			throw new FrameException(ErrorCode.BAD_JSON, "frame: must be a JSON object with a type", null);
		}
		String nonce = nonce(node);
		JsonNode type = node.get("type");
		if (type == null || !type.isString()) {
			throw new FrameException(ErrorCode.UNKNOWN_TYPE, TYPES, nonce);
		}
		return switch (type.stringValue()) {
			case "join" -> new ClientFrame.Join(room(node, nonce), nonce);
			case "leave" -> new ClientFrame.Leave(room(node, nonce), nonce);
			case "chat" -> new ClientFrame.Chat(room(node, nonce), text(node, nonce), nonce);
			case "private" -> new ClientFrame.Private(to(node, nonce), text(node, nonce), nonce);
			default -> throw new FrameException(ErrorCode.UNKNOWN_TYPE, TYPES, nonce);
		};
	}

	/**
	 * Finds a frame's nonce without parsing it, for a frame that will not be parsed (over
	 * the rate limit): the first {@code "nonce"} key followed by a plain string value (no
	 * escapes) of at most 64 characters. Linear in the frame's length, no allocation but
	 * the nonce.
	 * @param payload the text of a frame
	 * @return the nonce, or null when there is no such plain one
	 */
	static String scanNonce(String payload) {
		int key = payload.indexOf("\"nonce\"");
		if (key < 0) {
			return null;
		}
		int i = skipSpaces(payload, key + 7);
		if (i >= payload.length() || payload.charAt(i) != ':') {
			return null;
		}
		i = skipSpaces(payload, i + 1);
		if (i >= payload.length() || payload.charAt(i) != '"') {
			return null;
		}
		int start = i + 1;
		int limit = Math.min(payload.length(), start + MessageRules.MAX_NONCE_LENGTH + 1);
		for (int j = start; j < limit; j++) {
			char c = payload.charAt(j);
			if (c == '"') {
				return payload.substring(start, j);
			}
			if (c == '\\' || c < 0x20) {
				return null;
			}
		}
		return null;
	}

	private static int skipSpaces(String text, int from) {
		int i = from;
		while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\n'
				|| text.charAt(i) == '\r')) {
			i++;
		}
		return i;
	}

	private static String nonce(JsonNode node) {
		JsonNode value = node.get("nonce");
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new FrameException(ErrorCode.BAD_JSON, "nonce: must be a string", null);
		}
		String error = MessageRules.checkNonce("nonce", value.stringValue());
		if (error != null) {
			throw new FrameException(ErrorCode.BAD_JSON, error, null);
		}
		return value.stringValue();
	}

	private static String room(JsonNode node, String nonce) {
		String room = string(node, "room");
		String error = MessageRules.checkRoom("room", room);
		if (error != null) {
			throw new FrameException(ErrorCode.INVALID_ROOM, error, nonce);
		}
		return room;
	}

	private String text(JsonNode node, String nonce) {
		String text = string(node, "text");
		String error = this.rules.checkText("text", text);
		if (error != null) {
			throw new FrameException(ErrorCode.INVALID_TEXT, error, nonce);
		}
		return text;
	}

	private static String to(JsonNode node, String nonce) {
		String to = string(node, "to");
		String error = MessageRules.checkUser("to", to);
		if (error != null) {
			throw new FrameException(ErrorCode.USER_OFFLINE, error + " (no such user can be online)", nonce);
		}
		return to;
	}

	/**
	 * A string field, or null when it is missing or not a string (the rule then fails).
	 */
	private static String string(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

}
