package io.pushlab.sse;

import java.io.IOException;
import java.util.List;

import io.pushlab.hub.MessageRules;
import io.pushlab.technique.Technique;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.web.ApiExceptionHandler;
import io.pushlab.web.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Server-Sent Events: {@code GET /api/rooms/{room}/events}. Replays what the client
 * missed after its {@code Last-Event-ID} (header, or {@code lastEventId} query for manual
 * tests), then streams live messages.
 */
@RestController
public class SseController {

	private final SseStreams streams;

	private final TechniqueStats stats;

	public SseController(SseStreams streams, TechniqueStats stats) {
		this.streams = streams;
		this.stats = stats;
	}

	// @excerpt sse
	@GetMapping("/api/rooms/{room}/events")
	public ResponseEntity<?> events(@PathVariable String room,
			@RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
			@RequestParam(name = "lastEventId", required = false) String lastEventIdParam, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		this.stats.request(Technique.SSE);
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room));
		long lastEventId = -1;
		if (lastEventIdHeader != null && !lastEventIdHeader.isBlank()) {
			lastEventId = parseId("Last-Event-ID", lastEventIdHeader);
		}
		else if (lastEventIdParam != null && !lastEventIdParam.isBlank()) {
			lastEventId = parseId("lastEventId", lastEventIdParam);
		}
		if (this.streams.isShuttingDown()) {
			return ApiExceptionHandler.problem(HttpStatus.SERVICE_UNAVAILABLE,
					List.of("server: shutting down, reconnect to another instance"));
		}
		this.streams.open(room, lastEventId, request, response);
		// the stream is under way on the async request: nothing for Spring MVC to write
		return null;
	}
	// @end

	private static long parseId(String field, String value) {
		try {
			long id = Long.parseLong(value.trim());
			if (id >= 0) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// fall through
		}
		throw new InvalidInputException(field + ": must be a message id (a whole number, 0 or more)");
	}

}
