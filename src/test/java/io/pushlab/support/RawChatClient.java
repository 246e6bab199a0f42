package io.pushlab.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A chat client on a plain socket, for clients that misbehave as real ones do: one that
 * completes the handshake, joins, and then never reads (its small receive buffer fills
 * and the server's writes stall), or one that never answers a ping. The JDK client cannot
 * play these: it buffers and answers pings by itself.
 */
public final class RawChatClient implements AutoCloseable {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final String user;

	private RawChatClient(Socket socket, String user) throws IOException {
		this.socket = socket;
		this.user = user;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	/**
	 * Connects and completes the opening handshake.
	 * @param port the server's port
	 * @param user the chat name
	 * @param receiveBuffer the socket's receive buffer, in bytes (small for a client that
	 * stops reading)
	 * @return the client
	 */
	public static RawChatClient open(int port, String user, int receiveBuffer) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(receiveBuffer);
		socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
		socket.setSoTimeout(20_000);
		RawChatClient client = new RawChatClient(socket, user);
		byte[] key = new byte[16];
		RANDOM.nextBytes(key);
		String request = "GET /ws/chat?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + " HTTP/1.1\r\n"
				+ "Host: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
				+ "Sec-WebSocket-Version: 13\r\n\r\n";
		client.out.write(request.getBytes(StandardCharsets.ISO_8859_1));
		client.out.flush();
		String head = client.readHead();
		if (!head.startsWith("HTTP/1.1 101")) {
			socket.close();
			throw new IOException("no upgrade: " + head);
		}
		return client;
	}

	/** Reads the response head byte by byte, so no frame is consumed with it. */
	private String readHead() throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = this.in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/** Sends a masked text frame (RFC 6455 §5.3: clients mask). */
	public RawChatClient send(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		byte[] mask = new byte[4];
		RANDOM.nextBytes(mask);
		frame.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		this.out.write(frame.toByteArray());
		this.out.flush();
		return this;
	}

	public RawChatClient join(String room) throws IOException {
		return send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
	}

	/**
	 * Reads frames (answering nothing) until the server closes the connection.
	 * @return the close frame's status code, -1 when the connection ended without one, or
	 * -2 when it was still open after 20 s
	 */
	public int awaitClose() throws IOException {
		try {
			while (true) {
				int first = readByte();
				int second = readByte();
				long length = second & 0x7f;
				if (length == 126) {
					length = ((long) readByte() << 8) | readByte();
				}
				else if (length == 127) {
					length = 0;
					for (int i = 0; i < 8; i++) {
						length = (length << 8) | readByte();
					}
				}
				byte[] payload = this.in.readNBytes((int) length);
				if ((first & 0x0f) == 0x8) {
					return (payload.length >= 2) ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return -2;
		}
		catch (EOFException ex) {
			return -1;
		}
		catch (IOException ex) {
			// reset by the server
			return -1;
		}
	}

	private int readByte() throws IOException {
		int b = this.in.read();
		if (b < 0) {
			throw new EOFException();
		}
		return b;
	}

	/**
	 * @return the chat name it connected with
	 */
	public String user() {
		return this.user;
	}

	/**
	 * Ends the connection from this side without a close frame (a TCP FIN, as a client
	 * that goes away does), still reading nothing.
	 */
	public void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closed already
		}
	}

}
