package io.pushlab.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pushlab.hub.MessageRules;
import io.pushlab.stats.Rejections;
import io.pushlab.technique.Technique;
import io.pushlab.web.ApiExceptionHandler;
import io.pushlab.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The recovery drill of {@code /compare}: {@code POST /api/rooms/{room}/drop} ends every
 * open connection of the room on this instance ({@code ?scope=cluster}: on every
 * instance) and answers how many of each technique it ended. Off with
 * {@code pushlab.demo.drop-enabled=false} (404).
 */
@RestController
public class DropController {

	/** The {@code pushlab.rejected} reason of a drop refused because the drill is off. */
	static final String DISABLED = "drop_disabled";

	private final RoomDrops drops;

	private final Rejections rejections;

	public DropController(RoomDrops drops, Rejections rejections) {
		this.drops = drops;
		this.rejections = rejections;
	}

	@PostMapping("/api/rooms/{room}/drop")
	public ResponseEntity<?> drop(@PathVariable String room,
			@RequestParam(name = "scope", defaultValue = "local") String scope) {
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

	private static void counts(Map<String, Object> answer, Map<Technique, Integer> dropped) {
		for (Technique technique : List.of(Technique.SSE, Technique.LONGPOLLING, Technique.WEBSOCKET)) {
			answer.put(technique.key(), dropped.getOrDefault(technique, 0));
		}
	}

}
