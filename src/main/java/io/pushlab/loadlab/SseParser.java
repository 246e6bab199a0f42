package io.pushlab.loadlab;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental {@code text/event-stream} parser, as the HTML standard's "event stream
 * interpretation" says: lines end with CRLF, LF or CR; a blank line dispatches the event;
 * {@code data} lines are joined with LF; {@code event}, {@code id} and {@code retry} set
 * the type, the last event id and the reconnection time; lines starting with a colon are
 * comments; one space after the colon is dropped. An event without data is not
 * dispatched. Bytes go in as they arrive, split anywhere. Not thread-safe.
 */
final class SseParser {

	/**
	 * Longest line accepted; a longer one is cut (never the case for PushLab's events).
	 */
	static final int MAX_LINE = 1 << 20;

	/** Receives the events. */
	interface Listener {

		/**
		 * One event.
		 * @param type the {@code event} field, {@code message} when absent
		 * @param data the joined {@code data} lines, UTF-8; valid during the call only
		 * @param length bytes of {@code data}
		 */
		void event(String type, byte[] data, int length);

		/** A comment line, such as {@code : keep-alive}. */
		default void comment() {
		}

	}

	private static final String MESSAGE = "message";

	private final Listener listener;

	private byte[] line = new byte[512];

	private int lineLength;

	private boolean lastWasCr;

	private byte[] data = new byte[512];

	private int dataLength;

	private boolean hasData;

	private String type;

	private String lastEventId = "";

	private long retry = -1;

	SseParser(Listener listener) {
		this.listener = listener;
	}

	/** The last {@code id} field seen, "" before any. */
	String lastEventId() {
		return this.lastEventId;
	}

	/** The last {@code retry} field, in ms; -1 before any. */
	long retry() {
		return this.retry;
	}

	void feed(byte[] bytes, int offset, int length) {
		int end = offset + length;
		for (int i = offset; i < end; i++) {
			byte b = bytes[i];
			if (b == '\n') {
				if (this.lastWasCr) {
					// the LF of a CRLF: the line already ended at the CR
					this.lastWasCr = false;
					continue;
				}
				line();
			}
			else if (b == '\r') {
				line();
				this.lastWasCr = true;
			}
			else {
				this.lastWasCr = false;
				if (this.lineLength == this.line.length) {
					if (this.line.length >= MAX_LINE) {
						continue;
					}
					this.line = Arrays.copyOf(this.line, Math.min(MAX_LINE, this.line.length * 2));
				}
				this.line[this.lineLength++] = b;
			}
		}
	}

	private void line() {
		int n = this.lineLength;
		this.lineLength = 0;
		if (n == 0) {
			dispatch();
			return;
		}
		if (this.line[0] == ':') {
			this.listener.comment();
			return;
		}
		int colon = 0;
		while (colon < n && this.line[colon] != ':') {
			colon++;
		}
		int value = colon + 1;
		if (value < n && this.line[value] == ' ') {
			value++;
		}
		if (value > n) {
			value = n;
		}
		if (is("data", colon)) {
			appendData(value, n);
		}
		else if (is("event", colon)) {
			this.type = (n == value) ? null : (n - value == 7 && is(MESSAGE, value, n)) ? MESSAGE
					: new String(this.line, value, n - value, StandardCharsets.UTF_8);
		}
		else if (is("id", colon)) {
			boolean nul = false;
			for (int i = value; i < n; i++) {
				nul |= this.line[i] == 0;
			}
			if (!nul) {
				this.lastEventId = new String(this.line, value, n - value, StandardCharsets.UTF_8);
			}
		}
		else if (is("retry", colon)) {
			long ms = 0;
			boolean digits = value < n;
			for (int i = value; i < n && digits; i++) {
				digits = this.line[i] >= '0' && this.line[i] <= '9';
				ms = ms * 10 + (this.line[i] - '0');
			}
			if (digits) {
				this.retry = ms;
			}
		}
		// other fields are ignored
	}

	private void appendData(int from, int to) {
		int n = to - from;
		int needed = this.dataLength + n + 1;
		if (needed > this.data.length) {
			this.data = Arrays.copyOf(this.data, Math.max(needed, this.data.length * 2));
		}
		System.arraycopy(this.line, from, this.data, this.dataLength, n);
		this.dataLength += n;
		this.data[this.dataLength++] = '\n';
		this.hasData = true;
	}

	private void dispatch() {
		if (this.hasData) {
			// the trailing LF of the last data line is not part of the data
			this.listener.event((this.type != null) ? this.type : MESSAGE, this.data, this.dataLength - 1);
		}
		this.hasData = false;
		this.dataLength = 0;
		this.type = null;
	}

	private boolean is(String field, int length) {
		return length == field.length() && is(field, 0, length);
	}

	private boolean is(String text, int from, int to) {
		for (int i = from; i < to; i++) {
			if (this.line[i] != text.charAt(i - from)) {
				return false;
			}
		}
		return true;
	}

}
