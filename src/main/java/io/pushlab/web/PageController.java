package io.pushlab.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The pages of the three HTTP techniques, the overview and the comparison. Each page is a
 * template plus one ES module under {@code static/js}.
 */
@Controller
public class PageController {

	@GetMapping("/")
	public String overview() {
		return "index";
	}

	@GetMapping("/polling")
	public String polling() {
		return "polling";
	}

	@GetMapping("/longpolling")
	public String longPolling() {
		return "longpolling";
	}

	@GetMapping("/sse")
	public String sse() {
		return "sse";
	}

	@GetMapping("/compare")
	public String compare() {
		return "compare";
	}

}
