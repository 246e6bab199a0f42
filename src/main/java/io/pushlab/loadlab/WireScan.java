package io.pushlab.loadlab;

/**
 * Finds the messages of one run in a response, frame or event without a full JSON parse:
 * each {@code "id":} followed by its {@code "nonce":"<tag>-<seq>"}. Keys cannot occur
 * unescaped inside JSON strings, so the scan is exact for the contract's message object.
 * Stateless and thread-safe.
 */
final class WireScan {

	/** Receives each message found: its server id and the publisher's sequence number. */
	@FunctionalInterface
	interface Sink {

		void message(long id, int seq);

	}

	private static final String ID = "\"id\":";

	private static final String NONCE = "\"nonce\":\"";

	private final String prefix;

	/**
	 * @param tag the run's nonce tag; nonces look like {@code tag-seq}
	 */
	WireScan(String tag) {
		this.prefix = tag + "-";
	}

	/**
	 * Reports every message of this run in {@code text}.
	 * @param text JSON holding one message or an array of them
	 * @param sink receives each message
	 * @return how many messages of this run were found
	 */
	int scan(String text, Sink sink) {
		int found = 0;
		int from = 0;
		while (true) {
			int idAt = text.indexOf(ID, from);
			if (idAt < 0) {
				return found;
			}
			int pos = idAt + ID.length();
			long id = 0;
			int digits = 0;
			while (pos < text.length()) {
				char c = text.charAt(pos);
				if (c < '0' || c > '9') {
					break;
				}
				id = id * 10 + (c - '0');
				pos++;
				digits++;
			}
			from = pos;
			if (digits == 0) {
				continue;
			}
			int nextId = text.indexOf(ID, pos);
			int nonceAt = text.indexOf(NONCE, pos);
			if (nonceAt < 0 || (nextId >= 0 && nonceAt > nextId)) {
				continue;
			}
			int start = nonceAt + NONCE.length();
			if (!text.startsWith(this.prefix, start)) {
				continue;
			}
			int seq = 0;
			int p = start + this.prefix.length();
			int seqDigits = 0;
			while (p < text.length() && text.charAt(p) >= '0' && text.charAt(p) <= '9') {
				seq = seq * 10 + (text.charAt(p) - '0');
				p++;
				seqDigits++;
			}
			if (seqDigits > 0 && p < text.length() && text.charAt(p) == '"') {
				sink.message(id, seq);
				found++;
			}
			from = p;
		}
	}

}
