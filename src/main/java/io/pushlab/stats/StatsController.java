package io.pushlab.stats;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/stats}: per-technique cost figures measured on this server. */
@RestController
public class StatsController {

	private final TechniqueStats stats;

	public StatsController(TechniqueStats stats) {
		this.stats = stats;
	}

	@GetMapping("/api/stats")
	public Map<String, Object> stats() {
		return Map.of("techniques", this.stats.snapshot());
	}

}
