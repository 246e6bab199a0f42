package io.pushlab.sse;

import java.io.IOException;
import java.time.Duration;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.MessageRules;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.technique.Technique;
import io.pushlab.web.InvalidInputException;
import io.pushlab.web.ServiceUnavailableException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events: {@code GET /api/rooms/{room}/events}. Replays what the client
 * missed after its {@code Last-Event-ID} (header, or {@code lastEventId} query for manual
 * tests), then streams live messages, on an {@link SseEmitter}.
 */
@RestController
public class SseController {

	/** The shortest and longest {@code retry} a client may ask for, in milliseconds. */
	static final long MIN_RETRY = 500;

	static final long MAX_RETRY = 60_000;

	private final SseStreams streams;

	private final PushLabProperties properties;

	private final TechniqueStats stats;

	public SseController(SseStreams streams, PushLabProperties properties, TechniqueStats stats) {
		this.streams = streams;
		this.properties = properties;
		this.stats = stats;
	}

	// @excerpt sse
	@GetMapping("/api/rooms/{room}/events")
	public ResponseEntity<SseEmitter> events(@PathVariable String room,
			@RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
			@RequestParam(name = "lastEventId", required = false) String lastEventIdParam,
			@RequestParam(name = "retry", required = false) String retryParam, HttpServletRequest request)
			throws IOException {
		this.stats.request(Technique.SSE);
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room));
		long lastEventId = -1;
		if (lastEventIdHeader != null && !lastEventIdHeader.isBlank()) {
			lastEventId = parseId("Last-Event-ID", lastEventIdHeader);
		}
		else if (lastEventIdParam != null && !lastEventIdParam.isBlank()) {
			lastEventId = parseId("lastEventId", lastEventIdParam);
		}
		Duration retry = (retryParam == null) ? this.properties.sse().retry() : parseRetry(retryParam);
		if (this.streams.isShuttingDown()) {
			throw new ServiceUnavailableException("server: shutting down, reconnect to another instance");
		}
		// an SseEmitter: its first event is "retry", then the replay after lastEventId,
		// then live messages, written by the stream's own writer (see SseStreams.open)
		SseEmitter emitter = this.streams.open(room, lastEventId, retry, request.getRemoteAddr());
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noCache().noTransform())
			.header("X-Accel-Buffering", "no")
			.body(emitter);
	}
	// @end

	/**
	 * {@code HEAD}: the stream's status and headers, and no stream. Served as a GET, as
	 * Spring serves {@code HEAD} by default, it would open a stream whose writes the
	 * container discards, so nothing would ever notice that the client had gone: the
	 * stream would stay subscribed, counted as open and holding its address's place for
	 * good.
	 */
	@RequestMapping(path = "/api/rooms/{room}/events", method = RequestMethod.HEAD)
	public ResponseEntity<Void> head(@PathVariable String room) {
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room));
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noCache().noTransform())
			.header("X-Accel-Buffering", "no")
			.build();
	}

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

	private static Duration parseRetry(String value) {
		try {
			long millis = Long.parseLong(value.trim());
			if (millis >= MIN_RETRY && millis <= MAX_RETRY) {
				return Duration.ofMillis(millis);
			}
		}
		catch (NumberFormatException ex) {
			// fall through
		}
		throw new InvalidInputException(
				"retry: must be a reconnect delay in milliseconds, from " + MIN_RETRY + " to " + MAX_RETRY);
	}

}
