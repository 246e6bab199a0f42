package io.pushlab.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.pushlab.stats.Rejections;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
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

	@Override
	public void writeBatch(List<TextMessage> frames, Outbound.Done done) {
		new Batch(frames, done).start();
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

	/**
	 * One batch: each frame is copied into the connection's output buffer (batching
	 * allowed: a frame that fits reports at once, a full buffer is written without
	 * blocking), then the rest is flushed without blocking ({@link NonBlockingFlush}) and
	 * batching is turned off again, which has nothing left to write. One report for all.
	 */
	private final class Batch implements SendHandler {

		/** A send was started and has not reported. */
		private static final int STARTED = 1;

		/** It reported before its call returned: the loop goes on. */
		private static final int DONE_INLINE = 2;

		/** Its call returned first: its report goes on. */
		private static final int PENDING = 3;

		private final List<TextMessage> frames;

		private final Outbound.Done done;

		private final AtomicInteger phase = new AtomicInteger();

		private int next;

		Batch(List<TextMessage> frames, Outbound.Done done) {
			this.frames = frames;
			this.done = done;
		}

		void start() {
			try {
				ContainerSink.this.remote.setBatchingAllowed(true);
			}
			catch (IOException | RuntimeException ex) {
				end(ex);
				return;
			}
			run();
		}

		private void run() {
			try {
				while (this.next < this.frames.size()) {
					this.phase.set(STARTED);
					ContainerSink.this.remote.sendText(this.frames.get(this.next++).getPayload(), this);
					if (this.phase.compareAndSet(STARTED, PENDING)) {
						return;
					}
				}
				NonBlockingFlush.flush(ContainerSink.this.remote,
						(result) -> end(result.isOK() ? null : result.getException()));
			}
			catch (RuntimeException ex) {
				end(ex);
			}
		}

		@Override
		public void onResult(SendResult result) {
			if (!result.isOK()) {
				end(result.getException());
				return;
			}
			if (this.phase.compareAndSet(STARTED, DONE_INLINE)) {
				return;
			}
			run();
		}

		private void end(Throwable failure) {
			Throwable result = failure;
			try {
				// the buffer is empty now: turning batching off has nothing to wait for
				ContainerSink.this.remote.setBatchingAllowed(false);
			}
			catch (IOException | RuntimeException ex) {
				if (result == null) {
					result = ex;
				}
			}
			this.done.done(result);
		}

	}

}
