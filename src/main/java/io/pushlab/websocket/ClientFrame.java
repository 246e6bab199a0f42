package io.pushlab.websocket;

/**
 * A frame a chat client sends, parsed and validated by {@link ClientFrames}: every field
 * already follows the contract's rules. The sender's name never comes from a frame.
 */
sealed interface ClientFrame permits ClientFrame.Join, ClientFrame.Leave, ClientFrame.Chat, ClientFrame.Private {

	/**
	 * @return the client's optional tag, echoed in replies (may be {@code null})
	 */
	String nonce();

	/**
	 * {@code {"type": "join", "room"}}: subscribe, get the history, announce presence.
	 */
	record Join(String room, String nonce) implements ClientFrame {
	}

	/** {@code {"type": "leave", "room"}}: unsubscribe, announce presence. */
	record Leave(String room, String nonce) implements ClientFrame {
	}

	/** {@code {"type": "chat", "room", "text"}}: publish to a joined room. */
	record Chat(String room, String text, String nonce) implements ClientFrame {
	}

	/** {@code {"type": "private", "to", "text"}}: one-to-one, stored nowhere. */
	record Private(String to, String text, String nonce) implements ClientFrame {
	}

}
