package io.pushlab.lab;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The RFC 6455 lab page: the handshake, the frame codec, and the raw server live. */
@Controller
public class LabPageController {

	private final RawWebSocketLifecycle rawServer;

	public LabPageController(RawWebSocketLifecycle rawServer) {
		this.rawServer = rawServer;
	}

	@GetMapping("/lab")
	public String lab(Model model) {
		model.addAttribute("rawPort", this.rawServer.port());
		model.addAttribute("rawOffReason", this.rawServer.offReason());
		model.addAttribute("rawBindAddress", this.rawServer.bindAddress());
		model.addAttribute("rawLoopbackOnly", this.rawServer.port() > 0 && this.rawServer.isLoopbackOnly());
		return "lab";
	}

}
