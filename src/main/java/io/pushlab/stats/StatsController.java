package io.pushlab.stats;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/stats}: per-technique cost figures measured on this server, and the
 * refusals by reason, and the idle rooms and queues removed.
 */
@RestController
public class StatsController {

	private final TechniqueStats stats;

	private final Rejections rejections;

	private final Evictions evictions;

	public StatsController(TechniqueStats stats, Rejections rejections, Evictions evictions) {
		this.stats = stats;
		this.rejections = rejections;
		this.evictions = evictions;
	}

	@GetMapping("/api/stats")
	public Map<String, Object> stats() {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("techniques", this.stats.snapshot());
		result.put("rejected", this.rejections.snapshot());
		result.put("drops", this.stats.drops());
		result.put("evicted", this.evictions.snapshot());
		return result;
	}

}
