package io.pushlab.config;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's NIO HTTP/1.1 protocol with a configurable servlet response buffer. Tomcat
 * gives every request it serves a response with an 8 KiB byte buffer and an 8 Ki-char
 * writer buffer (24 KB of heap), sized by the protocol's {@link #getDesiredBufferSize()
 * desired buffer size} and not by any connector setting. An SSE stream holds its request,
 * and so those buffers, for as long as it is open; PushLab's events and pages fit a
 * smaller buffer (a larger write goes out in more system calls, and a larger response is
 * sent chunked sooner). {@link ConnectionBuffersConfiguration} selects this protocol and
 * sets the size.
 */
public class SmallBuffersHttp11NioProtocol extends Http11NioProtocol {

	private volatile int responseBufferSize = -1;

	/**
	 * @param bytes the response buffer of every request served from now on (bytes, and
	 * chars for the writer); -1 for Tomcat's default
	 */
	public void setResponseBufferSize(int bytes) {
		this.responseBufferSize = bytes;
	}

	@Override
	public int getDesiredBufferSize() {
		return this.responseBufferSize;
	}

}
