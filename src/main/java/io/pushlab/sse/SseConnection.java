package io.pushlab.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Mailbox;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;
import io.pushlab.stats.Rejections;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.technique.Technique;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open event stream: the hub hands it messages, its {@link Mailbox} (the stream's one
 * bounded queue) hands them in order to the stream's one writer, which sends them with
 * the {@link SseEmitter}. Each message's frame ({@code id}, {@code event}, {@code data})
 * is encoded once per message and the same bytes go to every stream; a stream that fell
 * behind gets everything waiting joined into one item of one batch send: one write and
 * one flush.
 * <p>
 * {@code SseEmitter} writes block while the client's socket is full. A stream that falls
 * {@code buffer-size} events behind is ended; a write that has not returned within
 * {@code write-timeout} ends the stream too, and {@link SseStreams} lends the pool a
 * thread in its place, so a client that stops reading never delays another stream.
 */
final class SseConnection implements Subscriber {

	/**
	 * The SSE frame of a message, encoded once per message. It is the frame that
	 * {@code SseEmitter.event().id(id).name("message").data(json)} would write, with a
	 * space after each field name as in the contract.
	 */
	static final Function<Envelope, byte[]> FRAME = (
			envelope) -> ("id: " + envelope.id() + "\nevent: message\ndata: " + envelope.json() + "\n\n")
				.getBytes(StandardCharsets.UTF_8);

	static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

	private final String room;

	private final SseEmitter emitter;

	private final Mailbox<Frame> mailbox;

	private final TechniqueStats stats;

	/** The streams with a write in progress, this one among them while it writes. */
	private final Set<SseConnection> writes;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Held while writing; the stream is never completed in the middle of a write. */
	private final ReentrantLock writing = new ReentrantLock();

	/** When the write in progress began ({@link System#nanoTime()}), or 0. */
	private volatile long writeStarted;

	/** The thread of the write in progress, or null. */
	private volatile Thread writer;

	/** The stream should be completed; whoever holds {@link #writing} next does it. */
	private volatile boolean finishing;

	/** Guarded by {@link #writing}. */
	private boolean finished;

	private volatile Subscription subscription;

	private volatile Runnable onClose = () -> {
	};

	/** Bytes to write, and whether they carry a message. */
	record Frame(byte[] bytes, boolean message) {
	}

	SseConnection(String room, SseEmitter emitter, int capacity, Executor executor, Set<SseConnection> writes,
			TechniqueStats stats, Rejections rejections) {
		this.room = room;
		this.emitter = emitter;
		this.writes = writes;
		this.stats = stats;
		this.mailbox = Mailbox.batching(capacity, executor, this::write, (reason) -> {
			close();
			if (reason == Mailbox.CloseReason.OVERFLOW) {
				// the client fell too far behind: end the stream; it reconnects with
				// Last-Event-ID and loses nothing still retained
				rejections.reject("slow_consumer");
				finish();
			}
			// WRITE_FAILED: the container reports the broken stream itself (onError,
			// then onCompletion); completing it here as well is not allowed
		});
	}

	/**
	 * Sends what is waiting: one pre-encoded frame, or every frame of a stream that fell
	 * behind joined into one item, as one {@code ResponseBodyEmitter.send(Set)}: one
	 * converter look-up, one write and one flush, however many frames.
	 */
	private void write(List<Frame> frames) throws IOException {
		this.writing.lock();
		try {
			if (this.finished) {
				throw new IOException("stream already completed");
			}
			int messages = 0;
			int bytes = 0;
			for (Frame frame : frames) {
				messages += frame.message() ? 1 : 0;
				bytes += frame.bytes().length;
			}
			Set<DataWithMediaType> batch = Set
				.of(new DataWithMediaType(joined(frames, bytes), MediaType.TEXT_EVENT_STREAM));
			this.writer = Thread.currentThread();
			this.writeStarted = System.nanoTime();
			this.writes.add(this);
			try {
				this.emitter.send(batch);
			}
			catch (IllegalStateException ex) {
				// the emitter was completed by the container (timeout, client gone)
				throw new IOException(ex.getMessage(), ex);
			}
			finally {
				this.writes.remove(this);
				this.writeStarted = 0;
				this.writer = null;
			}
			this.stats.sent(Technique.SSE, messages, bytes);
		}
		finally {
			this.writing.unlock();
			// on every way out: a completion asked for while this write was in progress
			// is carried out now, never lost
			if (this.finishing) {
				finish();
			}
		}
	}

	/** The frames' bytes in order: the one frame's own array when there is only one. */
	private static byte[] joined(List<Frame> frames, int length) {
		if (frames.size() == 1) {
			return frames.get(0).bytes();
		}
		byte[] joined = new byte[length];
		int at = 0;
		for (Frame frame : frames) {
			System.arraycopy(frame.bytes(), 0, joined, at, frame.bytes().length);
			at += frame.bytes().length;
		}
		return joined;
	}

	/**
	 * Completes the stream, once, never in the middle of a write and never waiting for
	 * one: while a write is in progress the writer completes the stream as soon as its
	 * write returns.
	 */
	void finish() {
		this.finishing = true;
		if (this.writing.tryLock()) {
			try {
				if (!this.finished) {
					this.finished = true;
					this.emitter.complete();
				}
			}
			catch (RuntimeException ex) {
				// the container has already ended the request (client gone, timeout)
			}
			finally {
				this.writing.unlock();
			}
		}
	}

	/**
	 * @param now {@link System#nanoTime()}
	 * @return how long the write in progress has been blocked, in nanoseconds (0 when
	 * none is)
	 */
	long blockedFor(long now) {
		long started = this.writeStarted;
		return (started == 0) ? 0 : Math.max(1, now - started);
	}

	/**
	 * @return whether the write in progress waits for the client: its thread is parked in
	 * the container's blocking write (the socket's buffer is full), not running or
	 * waiting for a core
	 */
	boolean waitsForClient() {
		Thread thread = this.writer;
		if (thread == null) {
			return false;
		}
		Thread.State state = thread.getState();
		return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
	}

	@Override
	public boolean deliver(Envelope envelope) {
		return this.mailbox.offer(new Frame(envelope.encoded(FRAME), true));
	}

	String room() {
		return this.room;
	}

	void sendRaw(byte[] bytes) {
		this.mailbox.offer(new Frame(bytes, false));
	}

	void heartbeat() {
		if (this.mailbox.backlog() == 0 && this.writeStarted == 0) {
			sendRaw(HEARTBEAT);
		}
	}

	void attach(Subscription subscription, Runnable onClose) {
		this.subscription = subscription;
		this.onClose = onClose;
		if (this.closed.get()) {
			subscription.close();
			onClose.run();
		}
	}

	boolean isClosed() {
		return this.closed.get();
	}

	/** Ends the stream: shutdown, the recovery drill, a stalled write. */
	void complete() {
		close();
		finish();
	}

	/**
	 * Releases everything, once: on completion, timeout, error, overflow or a stalled
	 * write. Nothing more is queued for the stream.
	 */
	void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.mailbox.close();
			Subscription s = this.subscription;
			if (s != null) {
				s.close();
				this.onClose.run();
			}
		}
	}

}
