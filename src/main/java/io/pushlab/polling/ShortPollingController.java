package io.pushlab.polling;

import java.nio.charset.StandardCharsets;

import io.pushlab.hub.Broker;
import io.pushlab.hub.MessageRules;
import io.pushlab.hub.Slice;
import io.pushlab.technique.Technique;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.web.InvalidInputException;
import io.pushlab.web.MessagesJson;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Short polling: {@code GET /api/rooms/{room}/messages?after=&limit=} answers at once
 * with the retained messages after the cursor.
 */
@RestController
public class ShortPollingController {

	/** Default page size. */
	static final int DEFAULT_LIMIT = 100;

	/** Larger limits are clamped to this. */
	static final int MAX_LIMIT = 1000;

	private final Broker broker;

	private final TechniqueStats stats;

	public ShortPollingController(Broker broker, TechniqueStats stats) {
		this.broker = broker;
		this.stats = stats;
	}

	// @excerpt polling
	@GetMapping("/api/rooms/{room}/messages")
	public ResponseEntity<byte[]> poll(@PathVariable String room, @RequestParam(defaultValue = "0") long after,
			@RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit) {
		this.stats.request(Technique.POLLING);
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room),
				(after < 0) ? "after: must be 0 or more" : null, (limit < 1) ? "limit: must be 1 or more" : null);
		Slice slice = this.broker.read(room, after, Math.min(limit, MAX_LIMIT));
		byte[] json = MessagesJson.of(room, slice.messages(), slice.last(), slice.gap())
			.getBytes(StandardCharsets.UTF_8);
		this.stats.sent(Technique.POLLING, slice.messages().size(), json.length);
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json);
	}
	// @end

}
