package io.pushlab.stats;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/stats}: per-technique cost figures measured on this server, and the
 * refusals by reason.
 */
@RestController
public class StatsController {

	private final TechniqueStats stats;

	private final Rejections rejections;

	public StatsController(TechniqueStats stats, Rejections rejections) {
		this.stats = stats;
		this.rejections = rejections;
	}

	@GetMapping("/api/stats")
	public Map<String, Object> stats() {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("techniques", this.stats.snapshot());
		result.put("rejected", this.rejections.snapshot());
		result.put("drops", this.stats.drops());
		return result;
	}

}
