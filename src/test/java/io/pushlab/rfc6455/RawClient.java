package io.pushlab.rfc6455;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * A test client on a plain socket that sends exactly the bytes a test chooses, so it can
 * break the protocol on purpose.
 */
final class RawClient implements AutoCloseable {

	static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

	static final byte[] KEY = { 0x37, (byte) 0xfa, 0x21, 0x3d };

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final FrameDecoder decoder = new FrameDecoder();

	private RawClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	static RawClient connect(int port) throws IOException {
		Socket socket = new Socket("127.0.0.1", port);
		socket.setSoTimeout(5000);
		socket.setTcpNoDelay(true);
		return new RawClient(socket);
	}

	static String upgradeRequest(String key) {
		return "GET /lab HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
	}

	/** Connects and completes the opening handshake. */
	static RawClient open(int port) throws IOException {
		RawClient client = connect(port);
		String response = client.request(upgradeRequest(SAMPLE_KEY));
		if (!response.startsWith("HTTP/1.1 101 ")) {
			throw new IllegalStateException("no upgrade: " + response);
		}
		return client;
	}

	/** Sends a request and reads the response head (and, for a refusal, its body). */
	String request(String request) throws IOException {
		return request(request.getBytes(StandardCharsets.ISO_8859_1));
	}

	/**
	 * Sends any bytes as a request and reads the response as {@link #request(String)}.
	 */
	String request(byte[] request) throws IOException {
		sendBytes(request);
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = this.in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
		}
		String text = head.toString(StandardCharsets.ISO_8859_1);
		if (!text.startsWith("HTTP/1.1 101 ")) {
			text += new String(this.in.readAllBytes(), StandardCharsets.UTF_8);
		}
		return text;
	}

	void sendBytes(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	void send(Frame frame) throws IOException {
		sendBytes(FrameCodec.encode(frame));
	}

	void sendText(boolean fin, int opcode, String text) throws IOException {
		send(Frame.of(fin, opcode, KEY, text.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Reads the server's next frame.
	 * @return the frame, or {@code null} when the server closed the connection
	 */
	Frame read() throws IOException, FailConnectionException {
		Frame frame;
		byte[] chunk = new byte[8192];
		while ((frame = this.decoder.next()) == null) {
			int count = this.in.read(chunk);
			if (count < 0) {
				return null;
			}
			this.decoder.append(chunk, 0, count);
		}
		return frame;
	}

	/** Reads the server's next frame, a text frame holding a description. */
	@SuppressWarnings("unchecked")
	Map<String, Object> readDescription() throws Exception {
		Frame frame = read();
		if (frame == null || frame.opcode() != Opcode.TEXT || frame.masked()) {
			throw new IllegalStateException("expected an unmasked text frame, got " + frame);
		}
		return JSON.readValue(frame.payload(), Map.class);
	}

	/** Reads a close frame, then expects the server to close the TCP connection. */
	int readCloseThenEnd() throws Exception {
		Frame frame = read();
		if (frame == null || frame.opcode() != Opcode.CLOSE) {
			throw new IllegalStateException("expected a close frame, got " + frame);
		}
		byte[] payload = frame.payload();
		int code = (payload.length >= 2) ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
		if (!ended()) {
			throw new IllegalStateException("the server sent more after its close frame");
		}
		return code;
	}

	/** Whether the server closed the connection, and sent nothing more before. */
	boolean ended() throws IOException {
		return this.decoder.buffered() == 0 && this.in.read() == -1;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
