package io.pushlab.technique;

/** The four push techniques, by the name the contract and the meters use. */
public enum Technique {

	POLLING("polling"), LONGPOLLING("longpolling"), SSE("sse"), WEBSOCKET("websocket");

	private final String key;

	Technique(String key) {
		this.key = key;
	}

	/** The name used in {@code /api/stats} and in the {@code technique} tag. */
	public String key() {
		return this.key;
	}

}
