package io.pushlab.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.pushlab.stats.Rejections;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.apache.tomcat.websocket.NonBlockingFlush;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * An {@link Outbound.Sink} on the servlet container's WebSocket session: text frames go
 * through the container's non-blocking send ({@code RemoteEndpoint.Async}, one in flight
 * at a time), so no thread waits for a client. Tomcat reports every non-blocking send on
 * another thread (the Jakarta WebSocket specification asks for it), so a frame costs a
 * socket write and a thread hand-over; frames that have queued up are therefore written
 * as a batch: copied into the connection's output buffer with batching allowed, then
 * flushed without blocking ({@link NonBlockingFlush}, PushLab's one reach into Tomcat's
 * internals; on another container frames go one by one). Pings and close frames have no
 * non-blocking form in the API: a ping is sent only while nothing else is in flight, and
 * both wait at most {@link #CONTROL_SEND_TIMEOUT} for a full socket (Tomcat's blocking
 * send timeout; a close other than 1000 waits Tomcat's 50 ms abnormal-close limit). A
 * close runs on the small control executor, never on the thread that asked for it, and
 * counts a slow consumer or a dead peer in {@code pushlab.rejected}.
 */
final class ContainerSink implements Outbound.Sink {

	/** Longest a ping or close frame may wait for a full socket. */
	static final Duration CONTROL_SEND_TIMEOUT = Duration.ofMillis(500);

	/** Tomcat's per-session limit on how long a blocking write may take. */
	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final PingMessage PING = new PingMessage();

	private final WebSocketSession session;

	private final RemoteEndpoint.Async remote;

	private final boolean batches;

	private final Executor control;

	private final Rejections rejections;

	private ContainerSink(WebSocketSession session, RemoteEndpoint.Async remote, Executor control,
			Rejections rejections) {
		this.session = session;
		this.remote = remote;
		this.batches = NonBlockingFlush.supports(remote);
		this.control = control;
		this.rejections = rejections;
	}

	/**
	 * @param session a session of the servlet container (Tomcat)
	 * @param control the executor that closes connections
	 * @param rejections where slow consumers and dead peers are counted
	 * @return the sink
	 */
	static ContainerSink of(WebSocketSession session, Executor control, Rejections rejections) {
		Session container = (session instanceof NativeWebSocketSession nativeSession)
				? nativeSession.getNativeSession(Session.class) : null;
		if (container == null) {
			throw new IllegalStateException("Not a jakarta.websocket session: " + session);
		}
		container.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, CONTROL_SEND_TIMEOUT.toMillis());
		return new ContainerSink(session, container.getAsyncRemote(), control, rejections);
	}

	@Override
	public void write(TextMessage frame, Outbound.Done done) {
		this.remote.sendText(frame.getPayload(), (result) -> done.done(result.isOK() ? null : result.getException()));
	}

	@Override
	public boolean batches() {
		return this.batches;
	}

	/**
	 * Allows batching: a frame sent from now on is copied into the connection's output
	 * buffer and reported at once while it fits; a full buffer is written without
	 * blocking.
	 */
	@Override
	public void startBatch() {
		try {
			this.remote.setBatchingAllowed(true);
		}
		catch (IOException ex) {
			// only turning batching off writes
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes the output buffer without blocking ({@link NonBlockingFlush}), then turns
	 * batching off again, which then has nothing left to write.
	 */
	@Override
	public void flush(Outbound.Done done) {
		NonBlockingFlush.flush(this.remote, (result) -> {
			Throwable failure = result.isOK() ? null : result.getException();
			try {
				this.remote.setBatchingAllowed(false);
			}
			catch (IOException | RuntimeException ex) {
				failure = (failure != null) ? failure : ex;
			}
			done.done(failure);
		});
	}

	@Override
	public void ping() {
		try {
			this.session.sendMessage(PING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close(CloseStatus status) {
		count(status);
		try {
			this.control.execute(() -> closeNow(status));
		}
		catch (RejectedExecutionException ex) {
			// shutting down
			closeNow(status);
		}
	}

	private void count(CloseStatus status) {
		if (status == Outbound.TOO_SLOW || status == Outbound.SEND_TIMEOUT) {
			this.rejections.reject("websocket_slow_consumer");
		}
		else if (status == Outbound.NO_PONG) {
			this.rejections.reject("websocket_no_pong");
		}
	}

	private void closeNow(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			// already closed or broken: the container reports the close anyway
		}
	}

}
