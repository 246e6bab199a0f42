package org.apache.tomcat.websocket;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;

/**
 * PushLab's one bridge into Tomcat's WebSocket internals, for the one thing its public
 * API lacks: flushing a batch without blocking. With batching allowed
 * ({@link RemoteEndpoint#setBatchingAllowed}), a non-blocking {@code sendText} copies the
 * frame into the connection's output buffer and reports at once; but
 * {@link RemoteEndpoint#flushBatch()} (and turning batching off) writes that buffer with
 * a blocking write, which holds the calling thread for as long as the client does not
 * read. This starts the same flush, Tomcat's internal flush opcode, as a non-blocking
 * write that reports through a {@link SendHandler}, exactly as {@code flushBatch()} does
 * but without waiting. It lives in Tomcat's package because the method it calls is
 * package-private; {@link #supports} is false for any other container (or a Tomcat whose
 * classes differ), and callers then send frame by frame.
 */
public final class NonBlockingFlush {

	private NonBlockingFlush() {
	}

	/**
	 * @param remote a session's non-blocking endpoint
	 * @return whether {@link #flush} works on it
	 */
	public static boolean supports(RemoteEndpoint.Async remote) {
		return remote instanceof WsRemoteEndpointAsync;
	}

	/**
	 * Starts writing the batched frames without blocking; {@code handler} is told once,
	 * like after a {@code sendText(String, SendHandler)}. Call only while no other
	 * message is being sent on the endpoint.
	 * @param remote an endpoint for which {@link #supports} is true
	 * @param handler told when the buffer is written, or why not
	 */
	public static void flush(RemoteEndpoint.Async remote, SendHandler handler) {
		((WsRemoteEndpointAsync) remote).base.startMessage(Constants.INTERNAL_OPCODE_FLUSH, null, true, handler);
	}

}
