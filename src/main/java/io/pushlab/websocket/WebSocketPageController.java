package io.pushlab.websocket;

import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The {@code /websocket} chat page. Loading it creates the HTTP session whose
 * {@code JSESSIONID} cookie goes with the page's upgrade request, so every tab of one
 * browser owns the same name.
 */
@Controller
public class WebSocketPageController {

	@GetMapping("/websocket")
	public String page(HttpSession session) {
		return "websocket";
	}

}
