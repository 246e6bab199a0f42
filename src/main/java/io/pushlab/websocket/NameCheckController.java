package io.pushlab.websocket;

import io.pushlab.hub.MessageRules;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/names/check?user=}: whether the chat handshake's name rules (the
 * pattern and UTS #39 mixed scripts) accept a name, and why not; read-only, it reserves
 * nothing and says nothing about who uses the name.
 */
@RestController
public class NameCheckController {

	@GetMapping("/api/names/check")
	public NameCheck check(@RequestParam(required = false) String user) {
		String detail = MessageRules.checkUser("user", user);
		return new NameCheck(detail == null, detail);
	}

	/**
	 * The verdict on a name.
	 *
	 * @param valid whether the handshake accepts the name
	 * @param detail why not ({@code user: …}), or null
	 */
	public record NameCheck(boolean valid, String detail) {
	}

}
