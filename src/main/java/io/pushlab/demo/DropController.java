package io.pushlab.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.MessageRules;
import io.pushlab.stats.Rejections;
import io.pushlab.technique.Technique;
import io.pushlab.web.ApiExceptionHandler;
import io.pushlab.web.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.WebUtils;

/**
 * The recovery drill of {@code /compare}: {@code POST /api/rooms/{room}/drop} ends every
 * open connection of the room on this instance ({@code ?scope=cluster}: on every
 * instance) and answers how many of each technique it ended. Off with
 * {@code pushlab.demo.drop-enabled=false} (404).
 * <p>
 * A browser sends this POST from any site that asks it to (a plain form needs no CORS
 * preflight), so a request with an {@code Origin} header other than this server's own or
 * one of {@code pushlab.websocket.allowed-origins} is refused with 403, as a chat
 * handshake from that origin would be. Clients that send no {@code Origin} (curl, the JDK
 * client) are not browsers acting for another site and are served.
 */
@RestController
public class DropController {

	/** The {@code pushlab.rejected} reason of a drop refused because the drill is off. */
	static final String DISABLED = "drop_disabled";

	/** The 403 detail of a drop from another site. */
	static final String FOREIGN_ORIGIN = "Origin: not allowed; a page may drop a room's connections only from this"
			+ " server's own origin or one listed in pushlab.websocket.allowed-origins";

	private final RoomDrops drops;

	private final Rejections rejections;

	private final CorsConfiguration allowedOrigins = new CorsConfiguration();

	public DropController(RoomDrops drops, Rejections rejections, PushLabProperties properties) {
		this.drops = drops;
		this.rejections = rejections;
		this.allowedOrigins.setAllowedOriginPatterns(properties.websocket().allowedOrigins());
	}

	@PostMapping("/api/rooms/{room}/drop")
	public ResponseEntity<?> drop(@PathVariable String room,
			@RequestParam(name = "scope", defaultValue = "local") String scope, HttpServletRequest request) {
		if (!isAllowedOrigin(request)) {
			this.rejections.reject("forbidden_origin");
			return ApiExceptionHandler.problem(HttpStatus.FORBIDDEN, List.of(FOREIGN_ORIGIN));
		}
		if (!this.drops.isEnabled()) {
			this.rejections.reject(DISABLED);
			return ApiExceptionHandler.problem(HttpStatus.NOT_FOUND,
					List.of("drop: the recovery drill is off on this server (pushlab.demo.drop-enabled=false)"));
		}
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room),
				("local".equals(scope) || "cluster".equals(scope)) ? null : "scope: must be local or cluster");
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("room", room);
		answer.put("scope", scope);
		if ("cluster".equals(scope)) {
			RoomDrops.ClusterDrop drop = this.drops.dropEverywhere(room);
			counts(answer, drop.here());
			answer.put("instances", drop.instances());
		}
		else {
			counts(answer, this.drops.drop(room));
		}
		return ResponseEntity.ok(answer);
	}

	private boolean isAllowedOrigin(HttpServletRequest request) {
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		if (origin == null) {
			return true;
		}
		try {
			return WebUtils.isSameOrigin(new ServletServerHttpRequest(request))
					|| this.allowedOrigins.checkOrigin(origin) != null;
		}
		catch (RuntimeException ex) {
			// an Origin that is not a URL at all, such as "http://host:abc"
			return false;
		}
	}

	private static void counts(Map<String, Object> answer, Map<Technique, Integer> dropped) {
		for (Technique technique : List.of(Technique.SSE, Technique.LONGPOLLING, Technique.WEBSOCKET)) {
			answer.put(technique.key(), dropped.getOrDefault(technique, 0));
		}
	}

}
