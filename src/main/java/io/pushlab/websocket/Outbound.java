package io.pushlab.websocket;

import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * The one outbound path of one connection: one bounded queue, one writer, one close
 * reason. {@link #send} never blocks: a frame is queued, and the writer has at most one
 * non-blocking write in flight; the next frame goes when the {@link Sink} reports the
 * last one done (on whatever thread it reports on, or at once when the write completed
 * inline). Frames that queued up meanwhile go out together as one batch, when the sink
 * can: one write and one report for all of them, which is what keeps a server that has
 * fallen behind from paying a socket write and a thread hand-over per frame. So a client
 * that stops reading holds no thread at all: its frames wait in its own queue, and it is
 * closed with 1008 when the queue reaches {@code maxBytes} or {@code maxFrames}, or when
 * a write has been in flight longer than the send time limit ({@link #check}). The first
 * close reason wins and is the only one; the close itself is handed to the sink (which
 * does it off the caller's thread). Thread-safe.
 */
final class Outbound {

	static final CloseStatus TOO_SLOW = CloseStatus.POLICY_VIOLATION.withReason("too slow: send buffer full");

	static final CloseStatus SEND_TIMEOUT = CloseStatus.POLICY_VIOLATION.withReason("too slow: send timed out");

	static final CloseStatus WRITE_FAILED = CloseStatus.POLICY_VIOLATION.withReason("too slow: send failed");

	static final CloseStatus NO_PONG = CloseStatus.POLICY_VIOLATION.withReason("no pong");

	/** The connection broke under the container: closed with 1011, counted nowhere. */
	static final CloseStatus BROKEN = CloseStatus.SERVER_ERROR;

	/** Where the frames go: the container's connection. */
	interface Sink {

		/**
		 * Starts writing a text frame without blocking, and reports the end once through
		 * {@code done} (possibly before returning).
		 * @param frame the frame
		 * @param done told once: null when written, else why not
		 */
		void write(TextMessage frame, Done done);

		/**
		 * @return whether {@link #startBatch} and {@link #flush} may be used
		 */
		boolean batches();

		/**
		 * Starts a batch: the frames written until {@link #flush} may be held back (and
		 * then reported at once) to go out together.
		 */
		void startBatch();

		/**
		 * Starts writing what the batch holds back without blocking, ends the batch, and
		 * reports the end once through {@code done} (possibly before returning).
		 * @param done told once: null when written, else why not
		 */
		void flush(Done done);

		/**
		 * Sends a ping; called only while nothing else is written. May block, briefly.
		 */
		void ping();

		/**
		 * Closes the connection with this status, off the caller's thread.
		 * @param status the status
		 */
		void close(CloseStatus status);

	}

	/** The end of one write. */
	@FunctionalInterface
	interface Done {

		/**
		 * @param failure null when the frame was written
		 */
		void done(Throwable failure);

	}

	/** What the writer counts as delivered. */
	@FunctionalInterface
	interface Sent {

		void sent(int messages, int bytes);

	}

	/** What one write carries. */
	private sealed interface Unit permits Frame, Batch {

	}

	/** A queued frame and the messages it carries. */
	private record Frame(TextMessage message, int messages, int bytes) implements Unit {
	}

	/**
	 * Frames that queued up behind a write, written together: the sink's batch is
	 * started, each frame written (a step each, like a single frame), then flushed. Used
	 * by the one writer at a time.
	 */
	private static final class Batch implements Unit {

		private final List<Frame> frames;

		/** The next frame to write; at the frames' count the flush; past it, flushed. */
		private int next;

		Batch(List<Frame> frames) {
			this.frames = frames;
		}

		/**
		 * @return whether the flush (the last step) has been started
		 */
		boolean flushed() {
			return this.next > this.frames.size();
		}

	}

	/** No write in flight. */
	private static final int IDLE = 0;

	/** A write was started and has not reported yet. */
	private static final int STARTED = 1;

	/** The write reported while {@link #sink}'s write call had not returned. */
	private static final int DONE_INLINE = 2;

	/** The write call returned first: the report continues the writer itself. */
	private static final int PENDING = 3;

	private final Sink sink;

	private final Sent sent;

	private final int maxBytes;

	private final int maxFrames;

	private final LongSupplier nanoTime;

	/** Guarded by this object's monitor, as are the fields up to {@link #closeReason}. */
	private final ArrayDeque<Frame> queue = new ArrayDeque<>();

	private long queuedBytes;

	/** True while the writer is busy (a write in flight, or a ping). */
	private boolean writing;

	private CloseStatus closeReason;

	/** The current write's hand-over between its caller and its report. */
	private final AtomicInteger phase = new AtomicInteger(IDLE);

	/** When the write in flight started ({@link #nanoTime}), or 0 when none is. */
	private volatile long writeStartedAt;

	/** Frames written as part of a batch (by the one writer at a time). */
	private volatile long batchedFrames;

	/** When the unanswered ping was sent, or 0 when every ping was answered. */
	private volatile long pingSentAt;

	/**
	 * @param sink where frames go
	 * @param sent told what each written frame delivered
	 * @param maxBytes most payload bytes queued
	 * @param maxFrames most frames queued
	 * @param nanoTime the clock
	 */
	Outbound(Sink sink, Sent sent, int maxBytes, int maxFrames, LongSupplier nanoTime) {
		this.sink = sink;
		this.sent = sent;
		this.maxBytes = maxBytes;
		this.maxFrames = maxFrames;
		this.nanoTime = nanoTime;
	}

	/**
	 * Queues a frame; never blocks and never writes to a slow connection in the caller's
	 * time.
	 * @param message the frame (shared, never modified)
	 * @param messages how many messages it delivers, for the statistics
	 * @return false when the connection is closed, or has just been closed as too slow
	 */
	boolean send(TextMessage message, int messages) {
		Frame frame = new Frame(message, messages, message.getPayloadLength());
		return switch (admit(frame, false)) {
			case CLOSED -> false;
			case TOO_SLOW -> tooSlow();
			case QUEUED -> true;
			case IDLE -> {
				write(frame);
				yield true;
			}
		};
	}

	/**
	 * Queues a frame like {@link #send}, but never writes in the caller's time even when
	 * the writer is idle: the write then starts on {@code executor}. For callers that
	 * hold a lock that orders frames (presence): the frame takes its place in the queue
	 * at once, and the lock is not held for the write.
	 * @param message the frame (shared, never modified)
	 * @param messages how many messages it delivers, for the statistics
	 * @param executor where an idle writer is started
	 * @return false when the connection is closed, or has just been closed as too slow
	 */
	boolean sendLater(TextMessage message, int messages, Executor executor) {
		Frame frame = new Frame(message, messages, message.getPayloadLength());
		return switch (admit(frame, true)) {
			case CLOSED -> false;
			case TOO_SLOW -> tooSlow();
			case QUEUED -> true;
			case IDLE -> {
				try {
					executor.execute(this::resume);
				}
				catch (RejectedExecutionException ex) {
					// shutting down
					resume();
				}
				yield true;
			}
		};
	}

	/** What {@link #admit} decided for a frame. */
	private enum Admission {

		/** The connection is closed: the frame is dropped. */
		CLOSED,
		/** The queue is full: the connection has just been closed as too slow. */
		TOO_SLOW,
		/** The frame waits behind the write in flight. */
		QUEUED,
		/** The writer was idle and is now the caller's to start. */
		IDLE

	}

	/**
	 * Refuses a frame, queues it behind the write in flight, or takes the idle writer for
	 * the caller (queueing the frame too when {@code queueWhenIdle}).
	 */
	private synchronized Admission admit(Frame frame, boolean queueWhenIdle) {
		if (this.closeReason != null) {
			return Admission.CLOSED;
		}
		if (this.queue.size() >= this.maxFrames
				|| (this.queuedBytes + frame.bytes() > this.maxBytes && !this.queue.isEmpty())) {
			closeLocked(TOO_SLOW);
			return Admission.TOO_SLOW;
		}
		boolean idle = !this.writing;
		this.writing = true;
		if (!idle || queueWhenIdle) {
			this.queue.add(frame);
			this.queuedBytes += frame.bytes();
		}
		return idle ? Admission.IDLE : Admission.QUEUED;
	}

	private boolean tooSlow() {
		this.sink.close(TOO_SLOW);
		return false;
	}

	/**
	 * Writes until the queue is empty or a write goes on in the background (its report
	 * then continues here). Frames that queued up behind a write go out together as one
	 * batch, when the sink can.
	 * @param first what to write first: a frame, a batch, or null when nothing waits
	 */
	private void write(Unit first) {
		Unit unit = first;
		while (unit != null) {
			this.writeStartedAt = Math.max(1, this.nanoTime.getAsLong());
			this.phase.set(STARTED);
			Unit current = unit;
			try {
				if (current instanceof Frame frame) {
					this.sink.write(frame.message(), (failure) -> written(current, failure));
				}
				else if (current instanceof Batch batch) {
					writeStep(batch);
				}
			}
			catch (RuntimeException ex) {
				written(current, ex);
			}
			if (this.phase.compareAndSet(STARTED, PENDING)) {
				// the report will come later, on another thread, and carry on from there
				return;
			}
			// written inline (or failed): carry on here, without growing the stack
			unit = after(current);
		}
	}

	/**
	 * One step of a batch: start it and write its first frame, write a frame, or flush.
	 */
	private void writeStep(Batch batch) {
		if (batch.next == 0) {
			this.sink.startBatch();
		}
		int index = batch.next++;
		if (index < batch.frames.size()) {
			this.sink.write(batch.frames.get(index).message(), (failure) -> written(batch, failure));
		}
		else {
			this.sink.flush((failure) -> written(batch, failure));
		}
	}

	/** Starts the writer on what waits, off the sender's thread. */
	private void resume() {
		write(take());
	}

	/** The report of one write: a frame, or a step of a batch. */
	private void written(Unit unit, Throwable failure) {
		this.writeStartedAt = 0;
		if (failure != null) {
			close(timedOut(failure) ? SEND_TIMEOUT : WRITE_FAILED);
		}
		else if (unit instanceof Frame frame) {
			this.sent.sent(frame.messages(), frame.bytes());
		}
		else if (unit instanceof Batch batch && batch.flushed()) {
			for (Frame frame : batch.frames) {
				this.sent.sent(frame.messages(), frame.bytes());
			}
			this.batchedFrames += batch.frames.size();
		}
		if (this.phase.compareAndSet(STARTED, DONE_INLINE)) {
			// the writer's loop takes the next unit
			return;
		}
		write(after(unit));
	}

	/**
	 * @return what to write after this: the rest of an unfinished batch, else what
	 * {@link #take} gives
	 */
	private synchronized Unit after(Unit written) {
		if (written instanceof Batch batch && !batch.flushed() && this.closeReason == null) {
			return batch;
		}
		return take();
	}

	/**
	 * @return what to write next: a frame, all that wait as one batch when several do and
	 * the sink batches, or null: the writer is then idle
	 */
	private synchronized Unit take() {
		if (this.closeReason != null || this.queue.size() < 2 || !this.sink.batches()) {
			return next();
		}
		Batch batch = new Batch(new ArrayList<>(this.queue));
		this.queue.clear();
		this.queuedBytes = 0;
		return batch;
	}

	/**
	 * @return the next frame to write, or null: the writer is then idle
	 */
	private synchronized Frame next() {
		Frame frame = (this.closeReason != null) ? null : this.queue.poll();
		if (frame == null) {
			this.writing = false;
			return null;
		}
		this.queuedBytes -= frame.bytes();
		return frame;
	}

	/**
	 * Sends a ping, unless frames are being written: then the connection is busy anyway,
	 * and a stalled write is caught by {@link #check}. The pong is awaited from the first
	 * unanswered ping on.
	 */
	void ping() {
		synchronized (this) {
			if (this.closeReason != null || this.writing) {
				return;
			}
			this.writing = true;
		}
		if (this.pingSentAt == 0) {
			this.pingSentAt = Math.max(1, this.nanoTime.getAsLong());
		}
		try {
			this.sink.ping();
		}
		catch (RuntimeException ex) {
			close(WRITE_FAILED);
		}
		resume();
	}

	/** A pong came back: the peer is alive. */
	void pong() {
		this.pingSentAt = 0;
	}

	/**
	 * @param failure a failed write's report, or a transport error
	 * @return whether the container's own write timeout failed it (Tomcat reports a
	 * {@link SocketTimeoutException}, sometimes wrapped): the client stopped reading, as
	 * for {@link #SEND_TIMEOUT}, whichever timeout fired first
	 */
	static boolean timedOut(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < 8; depth++) {
			if (cause instanceof SocketTimeoutException) {
				return true;
			}
			cause = cause.getCause();
		}
		return false;
	}

	/**
	 * Closes the connection when a write has been in flight longer than
	 * {@code sendTimeLimit}, or a ping unanswered longer than {@code pongTimeout}.
	 * @param sendTimeLimit longest write, in nanoseconds
	 * @param pongTimeout longest wait for a pong, in nanoseconds; 0 = never checked
	 * @return the close reason, or null while the connection is healthy
	 */
	CloseStatus check(long sendTimeLimit, long pongTimeout) {
		long now = this.nanoTime.getAsLong();
		long started = this.writeStartedAt;
		if (started != 0 && now - started > sendTimeLimit) {
			return close(SEND_TIMEOUT) ? SEND_TIMEOUT : null;
		}
		long pinged = this.pingSentAt;
		if (pongTimeout > 0 && pinged != 0 && now - pinged > pongTimeout) {
			return close(NO_PONG) ? NO_PONG : null;
		}
		return null;
	}

	/**
	 * Closes the connection with this reason, unless it has one already; drops what is
	 * queued.
	 * @param status the reason
	 * @return true when this call closed it
	 */
	boolean close(CloseStatus status) {
		synchronized (this) {
			if (this.closeReason != null) {
				return false;
			}
			closeLocked(status);
		}
		this.sink.close(status);
		return true;
	}

	/**
	 * The connection broke (the container reported an error that is not a write timeout):
	 * nothing more is written, and no later report closes it as too slow.
	 */
	void broken() {
		synchronized (this) {
			if (this.closeReason == null) {
				closeLocked(BROKEN);
			}
		}
	}

	/** The connection has ended (whoever closed it): nothing more is written. */
	void closed() {
		synchronized (this) {
			if (this.closeReason == null) {
				closeLocked(CloseStatus.NORMAL);
			}
		}
	}

	private void closeLocked(CloseStatus status) {
		this.closeReason = status;
		this.queue.clear();
		this.queuedBytes = 0;
	}

	/**
	 * @return why the connection was closed, or null while it is open
	 */
	synchronized CloseStatus closeReason() {
		return this.closeReason;
	}

	/**
	 * @return how many frames have been written as part of a batch
	 */
	long batchedFrames() {
		return this.batchedFrames;
	}

	/**
	 * @return frames waiting to be written
	 */
	synchronized int backlog() {
		return this.queue.size();
	}

}
