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

	private static final byte[] ID_BYTES = ID.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private static final byte[] NONCE_BYTES = NONCE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private final String prefix;

	private final byte[] prefixBytes;

	/**
	 * @param tag the run's nonce tag; nonces look like {@code tag-seq}
	 */
	WireScan(String tag) {
		this.prefix = tag + "-";
		this.prefixBytes = this.prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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

	/**
	 * The same scan over UTF-8 bytes, without making a string: what the NIO clients use.
	 * @param bytes holds JSON with one message or an array of them
	 * @param from first byte
	 * @param to end (exclusive)
	 * @param sink receives each message
	 * @return how many messages of this run were found
	 */
	int scan(byte[] bytes, int from, int to, Sink sink) {
		int found = 0;
		int pos = from;
		while (true) {
			int idAt = indexOf(bytes, ID_BYTES, pos, to);
			if (idAt < 0) {
				return found;
			}
			pos = idAt + ID_BYTES.length;
			long id = 0;
			int digits = 0;
			while (pos < to && bytes[pos] >= '0' && bytes[pos] <= '9') {
				id = id * 10 + (bytes[pos] - '0');
				pos++;
				digits++;
			}
			if (digits == 0) {
				continue;
			}
			int nextId = indexOf(bytes, ID_BYTES, pos, to);
			int nonceAt = indexOf(bytes, NONCE_BYTES, pos, (nextId >= 0) ? nextId : to);
			if (nonceAt < 0) {
				continue;
			}
			int start = nonceAt + NONCE_BYTES.length;
			if (!startsWith(bytes, this.prefixBytes, start, to)) {
				continue;
			}
			int p = start + this.prefixBytes.length;
			int seq = 0;
			int seqDigits = 0;
			while (p < to && bytes[p] >= '0' && bytes[p] <= '9' && seqDigits < 10) {
				seq = seq * 10 + (bytes[p] - '0');
				p++;
				seqDigits++;
			}
			if (seqDigits > 0 && p < to && bytes[p] == '"') {
				sink.message(id, seq);
				found++;
			}
			pos = p;
		}
	}

	/** The first index of {@code pattern} in {@code bytes[from, to)}, -1 when absent. */
	static int indexOf(byte[] bytes, byte[] pattern, int from, int to) {
		byte first = pattern[0];
		int last = to - pattern.length;
		outer: for (int i = from; i <= last; i++) {
			if (bytes[i] != first) {
				continue;
			}
			for (int j = 1; j < pattern.length; j++) {
				if (bytes[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix, int at, int to) {
		if (at + prefix.length > to) {
			return false;
		}
		for (int j = 0; j < prefix.length; j++) {
			if (bytes[at + j] != prefix[j]) {
				return false;
			}
		}
		return true;
	}

}
