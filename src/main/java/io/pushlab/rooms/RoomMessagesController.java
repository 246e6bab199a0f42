package io.pushlab.rooms;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import io.pushlab.hub.Broker;
import io.pushlab.hub.Draft;
import io.pushlab.hub.Envelope;
import io.pushlab.hub.MessageRules;
import io.pushlab.hub.NameRegistry;
import io.pushlab.web.ConflictException;
import io.pushlab.web.InvalidInputException;
import io.pushlab.web.JsonBodies;
import io.pushlab.web.NotFoundException;
import io.pushlab.web.SessionOwner;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishing to a room ({@code POST /api/rooms/{room}/messages}) and reading one message
 * back ({@code GET /api/rooms/{room}/messages/{id}}). Every technique's subscribers
 * receive what is published here. A {@code from} that is another session's chat name is
 * refused (409).
 */
@RestController
@RequestMapping("/api/rooms/{room}/messages")
public class RoomMessagesController {

	/** The largest accepted body, with or without {@code Content-Length}. */
	static final int MAX_BODY_BYTES = 64 * 1024;

	private final Broker broker;

	private final MessageRules rules;

	private final JsonMapper jsonMapper;

	private final NameRegistry names;

	public RoomMessagesController(Broker broker, MessageRules rules, JsonMapper jsonMapper, NameRegistry names) {
		this.broker = broker;
		this.names = names;
		this.rules = rules;
		this.jsonMapper = jsonMapper;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<String> publish(@PathVariable String room, InputStream body, HttpServletRequest request)
			throws IOException {
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room));
		Draft draft = parse(body);
		InvalidInputException.throwIfAny(this.rules.check(draft).toArray(String[]::new));
		checkSender(draft.from(), request);
		// a room this creates counts against the client's address
		// (pushlab.rooms.max-per-address)
		Envelope envelope = this.broker.publish(room, draft, request.getRemoteAddr());
		return ResponseEntity.created(URI.create("/api/rooms/" + room + "/messages/" + envelope.id()))
			.contentType(MediaType.APPLICATION_JSON)
			.body(envelope.json());
	}

	@GetMapping("/{id}")
	public ResponseEntity<String> find(@PathVariable String room, @PathVariable long id) {
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room));
		Envelope envelope = this.broker.find(room, id)
			.orElseThrow(() -> new NotFoundException("id: no message " + id + " in room " + room));
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(envelope.json());
	}

	/**
	 * A {@code from} that is a chat name held or reserved by someone else, or that looks
	 * like one (same UTS #39 skeleton), is refused (409): nobody can post as a connected
	 * chat user. The name's own session (its {@code JSESSIONID} cookie) may post under
	 * it.
	 */
	private void checkSender(String from, HttpServletRequest request) {
		NameRegistry.Claim claim = this.names.check(from, SessionOwner.of(request));
		if (claim == NameRegistry.Claim.GRANTED) {
			return;
		}
		String why = switch (claim) {
			case RESERVED -> "is reserved for the chat user who just left under it";
			case CONFUSABLE -> "looks like the name of a connected chat user";
			default -> "is the name of a connected chat user";
		};
		throw new ConflictException("name_in_use",
				"from: " + from + " " + why + "; only that user's own browser session may post under it");
	}

	private Draft parse(InputStream body) throws IOException {
		JsonNode node = JsonBodies.readObject(body, MAX_BODY_BYTES, this.jsonMapper,
				"a JSON object with from and text");
		return new Draft(JsonBodies.string(node, "from"), JsonBodies.string(node, "text"),
				JsonBodies.string(node, "nonce"));
	}

}
