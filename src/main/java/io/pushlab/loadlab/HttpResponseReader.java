package io.pushlab.loadlab;

import java.nio.charset.StandardCharsets;

/**
 * An incremental HTTP/1.1 response parser for the load generator's clients: status line,
 * headers, then a body framed by {@code Content-Length}, by chunked transfer coding, or
 * by the end of the connection. Bytes go in as they arrive, split anywhere; the body
 * comes out as it is decoded ({@link Listener#body}), without copies, so an event stream
 * can be parsed while it flows. Only the headers a client needs are kept
 * ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection},
 * {@code Upgrade}, {@code Sec-WebSocket-Accept}); no string is made for the others. One
 * reader per connection, one response at a time; not thread-safe.
 */
final class HttpResponseReader {

	/** Longest status line plus headers accepted. */
	static final int MAX_HEAD = 32 * 1024;

	/** What the reader found. */
	interface Listener {

		/** The status line and headers are read. */
		void headers(HttpResponseReader response);

		/** Decoded body bytes (chunk framing removed); valid during the call only. */
		void body(byte[] bytes, int offset, int length);

		/** The response is complete. */
		void complete(HttpResponseReader response);

	}

	/** The server sent something that is not HTTP/1.1. */
	static final class MalformedResponseException extends RuntimeException {

		MalformedResponseException(String message) {
			super(message);
		}

	}

	private enum State {

		HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, UNTIL_CLOSE, DONE

	}

	private final Listener listener;

	private State state = State.HEAD;

	private byte[] head = new byte[512];

	private int headLength;

	private int status;

	private long contentLength = -1;

	private boolean chunked;

	private boolean close;

	private boolean http10;

	private String upgrade;

	private String webSocketAccept;

	private long remaining;

	private final byte[] line = new byte[256];

	private int lineLength;

	HttpResponseReader(Listener listener) {
		this.listener = listener;
	}

	int status() {
		return this.status;
	}

	/** {@code Content-Length}, or -1 when absent. */
	long contentLength() {
		return this.contentLength;
	}

	boolean chunked() {
		return this.chunked;
	}

	/** True when the server will close the connection after this response. */
	boolean closes() {
		return this.close || this.http10;
	}

	String upgrade() {
		return this.upgrade;
	}

	String webSocketAccept() {
		return this.webSocketAccept;
	}

	boolean isComplete() {
		return this.state == State.DONE;
	}

	/** Whether the status line has not been read completely yet. */
	boolean awaitingHead() {
		return this.state == State.HEAD;
	}

	/** Makes the reader ready for the next response on the same connection. */
	void reset() {
		this.state = State.HEAD;
		this.headLength = 0;
		this.lineLength = 0;
		this.status = 0;
		this.contentLength = -1;
		this.chunked = false;
		this.close = false;
		this.http10 = false;
		this.upgrade = null;
		this.webSocketAccept = null;
	}

	/**
	 * Reads bytes of the response; stops at its end.
	 * @return how many bytes belong to this response; the rest (a {@code 101} response's
	 * upgraded protocol, or a next response) is the caller's
	 * @throws MalformedResponseException when the bytes are not an HTTP/1.1 response
	 */
	int feed(byte[] bytes, int offset, int length) {
		int pos = offset;
		int end = offset + length;
		while (pos < end && this.state != State.DONE) {
			switch (this.state) {
				case HEAD -> pos = readHead(bytes, pos, end);
				case LENGTH -> {
					int n = (int) Math.min(this.remaining, end - pos);
					this.listener.body(bytes, pos, n);
					pos += n;
					this.remaining -= n;
					if (this.remaining == 0) {
						finish();
					}
				}
				case UNTIL_CLOSE -> {
					this.listener.body(bytes, pos, end - pos);
					pos = end;
				}
				case CHUNK_SIZE -> pos = readChunkSize(bytes, pos, end);
				case CHUNK_DATA -> {
					int n = (int) Math.min(this.remaining, end - pos);
					this.listener.body(bytes, pos, n);
					pos += n;
					this.remaining -= n;
					if (this.remaining == 0) {
						this.state = State.CHUNK_END;
						this.lineLength = 0;
					}
				}
				case CHUNK_END -> pos = readChunkEnd(bytes, pos, end);
				case TRAILER -> pos = readTrailer(bytes, pos, end);
				default -> throw new IllegalStateException(this.state.name());
			}
		}
		return pos - offset;
	}

	/**
	 * The connection ended.
	 * @return true when that completed a response whose body runs until the close
	 */
	boolean endOfStream() {
		if (this.state == State.UNTIL_CLOSE) {
			finish();
			return true;
		}
		return false;
	}

	private int readHead(byte[] bytes, int pos, int end) {
		while (pos < end) {
			if (this.headLength == this.head.length) {
				if (this.head.length >= MAX_HEAD) {
					throw new MalformedResponseException("response head longer than " + MAX_HEAD + " bytes");
				}
				this.head = java.util.Arrays.copyOf(this.head, Math.min(MAX_HEAD, this.head.length * 2));
			}
			byte b = bytes[pos++];
			this.head[this.headLength++] = b;
			if (b == '\n' && this.headLength >= 2) {
				int n = this.headLength;
				boolean blank = (n >= 2 && this.head[n - 2] == '\n')
						|| (n >= 4 && this.head[n - 2] == '\r' && this.head[n - 3] == '\n');
				if (blank) {
					parseHead();
					return pos;
				}
			}
		}
		return pos;
	}

	private void parseHead() {
		int lineStart = 0;
		boolean first = true;
		this.contentLength = -1;
		for (int i = 0; i < this.headLength; i++) {
			if (this.head[i] != '\n') {
				continue;
			}
			int lineEnd = (i > lineStart && this.head[i - 1] == '\r') ? i - 1 : i;
			if (first) {
				statusLine(lineStart, lineEnd);
				first = false;
			}
			else if (lineEnd > lineStart) {
				header(lineStart, lineEnd);
			}
			lineStart = i + 1;
		}
		boolean noBody = (this.status >= 100 && this.status < 200) || this.status == 204 || this.status == 304;
		if (!noBody && !this.chunked && this.contentLength < 0) {
			// the body runs until the server closes the connection
			this.close = true;
		}
		this.listener.headers(this);
		if (noBody) {
			// 101 hands the rest of the connection to the upgraded protocol
			finish();
		}
		else if (this.chunked) {
			this.state = State.CHUNK_SIZE;
			this.lineLength = 0;
		}
		else if (this.contentLength >= 0) {
			this.remaining = this.contentLength;
			this.state = State.LENGTH;
			if (this.remaining == 0) {
				finish();
			}
		}
		else {
			this.state = State.UNTIL_CLOSE;
		}
	}

	private void statusLine(int from, int to) {
		// HTTP/1.1 200 OK
		if (to - from < 12 || !startsWith(from, "HTTP/1.") || this.head[from + 8] != ' ') {
			throw new MalformedResponseException("not an HTTP/1.x status line: "
					+ new String(this.head, from, to - from, StandardCharsets.ISO_8859_1));
		}
		this.http10 = this.head[from + 7] == '0';
		int code = 0;
		for (int i = from + 9; i < from + 12; i++) {
			byte b = this.head[i];
			if (b < '0' || b > '9') {
				throw new MalformedResponseException("bad status code");
			}
			code = code * 10 + (b - '0');
		}
		this.status = code;
	}

	private void header(int from, int to) {
		int colon = -1;
		for (int i = from; i < to; i++) {
			if (this.head[i] == ':') {
				colon = i;
				break;
			}
		}
		if (colon <= from) {
			throw new MalformedResponseException("bad header line");
		}
		int valueFrom = colon + 1;
		while (valueFrom < to && (this.head[valueFrom] == ' ' || this.head[valueFrom] == '\t')) {
			valueFrom++;
		}
		int valueTo = to;
		while (valueTo > valueFrom && (this.head[valueTo - 1] == ' ' || this.head[valueTo - 1] == '\t')) {
			valueTo--;
		}
		int nameLength = colon - from;
		if (nameIs(from, nameLength, "content-length")) {
			long value = 0;
			if (valueTo == valueFrom) {
				throw new MalformedResponseException("empty Content-Length");
			}
			for (int i = valueFrom; i < valueTo; i++) {
				byte b = this.head[i];
				if (b < '0' || b > '9' || value > Long.MAX_VALUE / 10 - 10) {
					throw new MalformedResponseException("bad Content-Length");
				}
				value = value * 10 + (b - '0');
			}
			this.contentLength = value;
		}
		else if (nameIs(from, nameLength, "transfer-encoding")) {
			this.chunked = containsIgnoreCase(valueFrom, valueTo, "chunked");
		}
		else if (nameIs(from, nameLength, "connection")) {
			this.close = containsIgnoreCase(valueFrom, valueTo, "close");
		}
		else if (nameIs(from, nameLength, "upgrade")) {
			this.upgrade = new String(this.head, valueFrom, valueTo - valueFrom, StandardCharsets.ISO_8859_1);
		}
		else if (nameIs(from, nameLength, "sec-websocket-accept")) {
			this.webSocketAccept = new String(this.head, valueFrom, valueTo - valueFrom, StandardCharsets.ISO_8859_1);
		}
	}

	private int readChunkSize(byte[] bytes, int pos, int end) {
		while (pos < end) {
			byte b = bytes[pos++];
			if (b == '\n') {
				long size = 0;
				int digits = 0;
				for (int i = 0; i < this.lineLength; i++) {
					int d = Character.digit(this.line[i], 16);
					if (d < 0) {
						break; // ';' extensions, '\r' or spaces end the size
					}
					if (++digits > 15) {
						throw new MalformedResponseException("chunk size too large");
					}
					size = size * 16 + d;
				}
				if (digits == 0) {
					throw new MalformedResponseException("bad chunk size");
				}
				this.lineLength = 0;
				if (size == 0) {
					this.state = State.TRAILER;
				}
				else {
					this.remaining = size;
					this.state = State.CHUNK_DATA;
				}
				return pos;
			}
			if (this.lineLength == this.line.length) {
				throw new MalformedResponseException("chunk size line too long");
			}
			this.line[this.lineLength++] = b;
		}
		return pos;
	}

	private int readChunkEnd(byte[] bytes, int pos, int end) {
		while (pos < end) {
			byte b = bytes[pos++];
			if (b == '\n') {
				this.state = State.CHUNK_SIZE;
				this.lineLength = 0;
				return pos;
			}
			if (b != '\r') {
				throw new MalformedResponseException("chunk not followed by CRLF");
			}
		}
		return pos;
	}

	private int readTrailer(byte[] bytes, int pos, int end) {
		while (pos < end) {
			byte b = bytes[pos++];
			if (b == '\n') {
				boolean blank = this.lineLength == 0 || (this.lineLength == 1 && this.line[0] == '\r');
				this.lineLength = 0;
				if (blank) {
					finish();
					return pos;
				}
			}
			else if (this.lineLength < this.line.length) {
				this.line[this.lineLength++] = b;
			}
		}
		return pos;
	}

	private void finish() {
		this.state = State.DONE;
		this.listener.complete(this);
	}

	private boolean startsWith(int from, String prefix) {
		for (int i = 0; i < prefix.length(); i++) {
			if (this.head[from + i] != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private boolean nameIs(int from, int length, String lowerName) {
		if (length != lowerName.length()) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			int c = this.head[from + i];
			if (c >= 'A' && c <= 'Z') {
				c += 'a' - 'A';
			}
			if (c != lowerName.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private boolean containsIgnoreCase(int from, int to, String lowerWord) {
		int n = lowerWord.length();
		for (int i = from; i + n <= to; i++) {
			int j = 0;
			while (j < n) {
				int c = this.head[i + j];
				if (c >= 'A' && c <= 'Z') {
					c += 'a' - 'A';
				}
				if (c != lowerWord.charAt(j)) {
					break;
				}
				j++;
			}
			if (j == n) {
				return true;
			}
		}
		return false;
	}

}
