package io.pushlab.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare TCP client of the event stream, to vanish or stop reading at will. */
public final class RawSse {

	private RawSse() {
	}

	/**
	 * Opens a stream and reads its response head, then reads nothing more.
	 * @return the socket; closing it is an abrupt disconnect
	 */
	public static Socket open(int port, String room) throws IOException {
		Socket socket = new Socket("127.0.0.1", port);
		socket.setReceiveBufferSize(4096);
		OutputStream out = socket.getOutputStream();
		out.write(("GET /api/rooms/" + room + "/events HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nAccept: text/event-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed before the response head: " + head);
			}
			head.append((char) b);
		}
		if (!head.toString().startsWith("HTTP/1.1 200")) {
			throw new IOException("unexpected response: " + head);
		}
		return socket;
	}

}
