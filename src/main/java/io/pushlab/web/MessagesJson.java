package io.pushlab.web;

import java.util.List;

import io.pushlab.hub.Envelope;

/**
 * Writes the contract's {@code {"room", "messages", "last", "gap"}} object from messages
 * that were serialized once, when published: no message is serialized again here.
 */
public final class MessagesJson {

	private MessagesJson() {
	}

	/**
	 * @param room a validated room name (needs no escaping)
	 * @param messages the messages, oldest first
	 * @param last the newest id in the room
	 * @param gap whether messages are missing before these
	 * @return the JSON text
	 */
	public static String of(String room, List<Envelope> messages, long last, boolean gap) {
		int size = 64 + room.length();
		for (Envelope envelope : messages) {
			size += envelope.json().length() + 1;
		}
		StringBuilder json = new StringBuilder(size);
		json.append("{\"room\":\"").append(room).append("\",\"messages\":[");
		for (int i = 0; i < messages.size(); i++) {
			if (i > 0) {
				json.append(',');
			}
			json.append(messages.get(i).json());
		}
		json.append("],\"last\":").append(last).append(",\"gap\":").append(gap).append('}');
		return json.toString();
	}

}
