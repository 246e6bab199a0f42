package io.pushlab.web;

import jakarta.servlet.http.HttpSession;

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

	/**
	 * The comparison page; like {@code /websocket} it gets an HTTP session, which owns
	 * its chat name, so its WebSocket panel takes its name back after a drop or a
	 * reconnect (within {@code name-grace}) instead of finding it reserved.
	 * @param session created if the browser has none
	 * @return the template
	 */
	@GetMapping("/compare")
	public String compare(HttpSession session) {
		return "compare";
	}

}
