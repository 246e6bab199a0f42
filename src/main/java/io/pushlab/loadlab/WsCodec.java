package io.pushlab.loadlab;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The load generator's RFC 6455 framing: the opening handshake's key and accept values, a
 * frame encoder (a client masks every frame it sends, §5.3) and an incremental frame
 * decoder that joins fragmented messages and checks what §5 demands of frames a client
 * receives (unmasked, reserved bits clear, control frames short and unfragmented). No
 * extensions. Separate from the server's {@code rfc6455} package: the load lab uses no
 * server code.
 */
final class WsCodec {

	static final int CONTINUATION = 0x0;

	static final int TEXT = 0x1;

	static final int BINARY = 0x2;

	static final int CLOSE = 0x8;

	static final int PING = 0x9;

	static final int PONG = 0xA;

	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private WsCodec() {
	}

	/** {@code Sec-WebSocket-Accept} for a key (§4.2.2): base64(SHA-1(key + GUID)). */
	static String accept(String key) {
		try {
			byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
			return Base64.getEncoder().encodeToString(sha1);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A {@code Sec-WebSocket-Key}: 16 bytes, base64. */
	static String key(long seed1, long seed2) {
		byte[] nonce = new byte[16];
		for (int i = 0; i < 8; i++) {
			nonce[i] = (byte) (seed1 >>> (8 * i));
			nonce[8 + i] = (byte) (seed2 >>> (8 * i));
		}
		return Base64.getEncoder().encodeToString(nonce);
	}

	/**
	 * One final frame, masked with {@code mask} as a client must send it.
	 * @param opcode the opcode
	 * @param payload the payload (left untouched)
	 * @param mask the masking key
	 * @return the frame's bytes
	 */
	static byte[] clientFrame(int opcode, byte[] payload, int mask) {
		return frame(opcode, payload, true, mask);
	}

	/**
	 * One final frame.
	 * @param opcode the opcode
	 * @param payload the payload (left untouched)
	 * @param masked whether to mask it (clients must, servers must not)
	 * @param mask the masking key when masked
	 * @return the frame's bytes
	 */
	static byte[] frame(int opcode, byte[] payload, boolean masked, int mask) {
		int n = payload.length;
		int lengthBytes = (n < 126) ? 0 : (n < 65536) ? 2 : 8;
		int headerLength = 2 + lengthBytes + (masked ? 4 : 0);
		byte[] frame = new byte[headerLength + n];
		frame[0] = (byte) (0x80 | (opcode & 0x0F));
		int maskBit = masked ? 0x80 : 0;
		int pos;
		if (lengthBytes == 0) {
			frame[1] = (byte) (maskBit | n);
			pos = 2;
		}
		else if (lengthBytes == 2) {
			frame[1] = (byte) (maskBit | 126);
			frame[2] = (byte) (n >>> 8);
			frame[3] = (byte) n;
			pos = 4;
		}
		else {
			frame[1] = (byte) (maskBit | 127);
			for (int i = 0; i < 8; i++) {
				frame[2 + i] = (byte) (((long) n) >>> (8 * (7 - i)));
			}
			pos = 10;
		}
		if (!masked) {
			System.arraycopy(payload, 0, frame, pos, n);
			return frame;
		}
		byte[] key = { (byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask };
		System.arraycopy(key, 0, frame, pos, 4);
		pos += 4;
		for (int i = 0; i < n; i++) {
			frame[pos + i] = (byte) (payload[i] ^ key[i & 3]);
		}
		return frame;
	}

	/** A close frame's payload: the code, then the UTF-8 reason. */
	static byte[] closePayload(int code, String reason) {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		byte[] payload = new byte[2 + text.length];
		payload[0] = (byte) (code >>> 8);
		payload[1] = (byte) code;
		System.arraycopy(text, 0, payload, 2, text.length);
		return payload;
	}

	/**
	 * A frame broke RFC 6455; the connection must be failed (close code 1002 or 1009).
	 */
	static final class ProtocolException extends RuntimeException {

		final int closeCode;

		ProtocolException(int closeCode, String message) {
			super(message);
			this.closeCode = closeCode;
		}

	}

	/** Receives whole messages and control frames from a {@link Decoder}. */
	interface Listener {

		/** A whole text message (fragments joined); valid during the call only. */
		void text(byte[] bytes, int offset, int length);

		/** A whole binary message; valid during the call only. */
		default void binary(byte[] bytes, int offset, int length) {
		}

		/** A ping; the client answers with a pong carrying the same bytes. */
		void ping(byte[] payload);

		/** A pong. */
		default void pong(byte[] payload) {
		}

		/**
		 * A close frame.
		 * @param code its status code, 1005 when it carried none
		 * @param reason its reason
		 */
		void close(int code, String reason);

	}

	/**
	 * Turns received bytes, split anywhere, into messages. A frame whose payload is
	 * entirely in one call's bytes and is a whole message reaches the listener without a
	 * copy. Not thread-safe.
	 */
	static final class Decoder {

		private final Listener listener;

		private final boolean acceptMasked;

		private final int maxMessage;

		private final byte[] header = new byte[14];

		private int headerLength;

		private int opcode;

		private boolean fin;

		private boolean masked;

		private long payloadLength = -1;

		private long payloadRead;

		private byte[] frame = new byte[256];

		private int messageOpcode = -1;

		private byte[] message = new byte[256];

		private int messageLength;

		/**
		 * @param listener receives the messages
		 * @param acceptMasked false for a client (a masked frame from the server is a
		 * protocol error); true to read what a client sends, as the tests do
		 * @param maxMessage the longest message accepted, in bytes
		 */
		Decoder(Listener listener, boolean acceptMasked, int maxMessage) {
			this.listener = listener;
			this.acceptMasked = acceptMasked;
			this.maxMessage = maxMessage;
		}

		/**
		 * Reads bytes.
		 * @throws ProtocolException when a frame breaks RFC 6455
		 */
		void feed(byte[] bytes, int offset, int length) {
			int pos = offset;
			int end = offset + length;
			while (pos < end) {
				if (this.payloadLength < 0 || this.headerLength < headerSize()) {
					pos = readHeader(bytes, pos, end);
					continue;
				}
				long left = this.payloadLength - this.payloadRead;
				int n = (int) Math.min(left, end - pos);
				if (this.payloadRead == 0 && n == this.payloadLength && !this.masked && this.fin
						&& this.opcode != CONTINUATION && this.opcode < CLOSE) {
					// a whole unfragmented data message in this buffer: no copy
					deliver(this.opcode, bytes, pos, n);
					pos += n;
					nextFrame();
					continue;
				}
				System.arraycopy(bytes, pos, this.frame, (int) this.payloadRead, n);
				this.payloadRead += n;
				pos += n;
				if (this.payloadRead == this.payloadLength) {
					frameDone();
				}
			}
		}

		private int headerSize() {
			if (this.headerLength < 2) {
				return 2;
			}
			int len = this.header[1] & 0x7F;
			int size = 2 + ((len == 126) ? 2 : (len == 127) ? 8 : 0);
			return size + (((this.header[1] & 0x80) != 0) ? 4 : 0);
		}

		private int readHeader(byte[] bytes, int pos, int end) {
			while (pos < end && this.headerLength < headerSize()) {
				this.header[this.headerLength++] = bytes[pos++];
			}
			if (this.headerLength == headerSize()) {
				startFrame();
				if (this.payloadLength == 0) {
					frameDone();
				}
			}
			return pos;
		}

		private void startFrame() {
			int b0 = this.header[0] & 0xFF;
			int b1 = this.header[1] & 0xFF;
			if ((b0 & 0x70) != 0) {
				throw new ProtocolException(1002, "reserved bits set without an extension");
			}
			this.fin = (b0 & 0x80) != 0;
			this.opcode = b0 & 0x0F;
			this.masked = (b1 & 0x80) != 0;
			if (this.masked && !this.acceptMasked) {
				throw new ProtocolException(1002, "a server must not mask its frames");
			}
			int len = b1 & 0x7F;
			long length;
			if (len == 126) {
				length = ((this.header[2] & 0xFF) << 8) | (this.header[3] & 0xFF);
			}
			else if (len == 127) {
				length = 0;
				for (int i = 2; i < 10; i++) {
					length = (length << 8) | (this.header[i] & 0xFF);
				}
				if (length < 0) {
					throw new ProtocolException(1002, "64-bit length with the top bit set");
				}
			}
			else {
				length = len;
			}
			boolean control = this.opcode >= CLOSE;
			if (control && (!this.fin || length > 125)) {
				throw new ProtocolException(1002, "control frames are short and never fragmented");
			}
			if (this.opcode > PONG || (this.opcode > BINARY && this.opcode < CLOSE)) {
				throw new ProtocolException(1002, "unknown opcode " + this.opcode);
			}
			if (this.opcode == CONTINUATION && this.messageOpcode < 0) {
				throw new ProtocolException(1002, "continuation without a message");
			}
			if ((this.opcode == TEXT || this.opcode == BINARY) && this.messageOpcode >= 0) {
				throw new ProtocolException(1002, "new message inside a fragmented one");
			}
			long total = (control ? 0 : this.messageLength) + length;
			if (total > this.maxMessage) {
				throw new ProtocolException(1009, "message longer than " + this.maxMessage + " bytes");
			}
			this.payloadLength = length;
			this.payloadRead = 0;
			if (this.frame.length < length) {
				this.frame = new byte[(int) Math.max(length, this.frame.length * 2L)];
			}
		}

		private void frameDone() {
			int n = (int) this.payloadLength;
			if (this.masked) {
				int keyAt = this.headerLength - 4;
				for (int i = 0; i < n; i++) {
					this.frame[i] ^= this.header[keyAt + (i & 3)];
				}
			}
			int op = this.opcode;
			if (op >= CLOSE) {
				control(op, Arrays.copyOf(this.frame, n));
			}
			else if (op == CONTINUATION || !this.fin) {
				if (op != CONTINUATION) {
					this.messageOpcode = op;
				}
				if (this.message.length < this.messageLength + n) {
					this.message = Arrays.copyOf(this.message,
							Math.max(this.messageLength + n, this.message.length * 2));
				}
				System.arraycopy(this.frame, 0, this.message, this.messageLength, n);
				this.messageLength += n;
				if (this.fin) {
					int messageOp = this.messageOpcode;
					int length = this.messageLength;
					this.messageOpcode = -1;
					this.messageLength = 0;
					deliver(messageOp, this.message, 0, length);
				}
			}
			else {
				deliver(op, this.frame, 0, n);
			}
			nextFrame();
		}

		private void nextFrame() {
			this.headerLength = 0;
			this.payloadLength = -1;
			this.payloadRead = 0;
		}

		private void deliver(int op, byte[] bytes, int offset, int length) {
			if (op == TEXT) {
				this.listener.text(bytes, offset, length);
			}
			else {
				this.listener.binary(bytes, offset, length);
			}
		}

		private void control(int op, byte[] payload) {
			if (op == PING) {
				this.listener.ping(payload);
			}
			else if (op == PONG) {
				this.listener.pong(payload);
			}
			else {
				if (payload.length == 1) {
					throw new ProtocolException(1002, "close frame with a one-byte payload");
				}
				int code = (payload.length >= 2) ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
				String reason = (payload.length > 2)
						? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
				this.listener.close(code, reason);
			}
		}

	}

}
