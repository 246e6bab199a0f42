package io.pushlab.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Mailbox;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;
import io.pushlab.technique.Technique;
import io.pushlab.stats.TechniqueStats;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * One open event stream: the hub hands it messages, its {@link Mailbox} writes them in
 * order as pre-encoded SSE frames, the same bytes for every stream, straight to the
 * servlet output stream of the async request (one write and one flush per batch; no
 * message converter, no per-event header work). The stream is in non-blocking mode, so a
 * client that stops reading never holds a delivery thread. A stream that falls
 * {@code buffer-size} events behind, or whose write fails, is completed and removed; the
 * browser reconnects with {@code Last-Event-ID} and loses nothing still retained.
 */
final class SseConnection implements Subscriber, WriteListener {

	/** The SSE frame of a message, encoded once per message: id, event, data. */
	static final Function<Envelope, byte[]> FRAME = (
			envelope) -> ("id: " + envelope.id() + "\nevent: message\ndata: " + envelope.json() + "\n\n")
				.getBytes(StandardCharsets.UTF_8);

	static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

	private final String room;

	private final AsyncContext async;

	private final ServletOutputStream out;

	private final int capacity;

	/**
	 * What the client's socket could not take yet (the shared frames, not copies);
	 * guarded by {@link #writing}.
	 */
	private final List<Frame> pending = new ArrayList<>(0);

	private final Mailbox<Frame> mailbox;

	private final TechniqueStats stats;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Held while writing; completing the request never runs during a write. */
	private final ReentrantLock writing = new ReentrantLock();

	/** The request should be completed; whoever holds {@link #writing} next does it. */
	private volatile boolean finishing;

	/** Guarded by {@link #writing}. */
	private boolean finished;

	private volatile Subscription subscription;

	private volatile Runnable onClose = () -> {
	};

	/** Bytes to write, and whether they carry a message. */
	record Frame(byte[] bytes, boolean message) {
	}

	SseConnection(String room, AsyncContext async, ServletOutputStream out, int capacity, Executor executor,
			TechniqueStats stats) {
		this.room = room;
		this.async = async;
		this.out = out;
		this.capacity = capacity;
		this.stats = stats;
		this.mailbox = Mailbox.batching(capacity, executor, this::write, (reason) -> {
			close();
			if (reason != Mailbox.CloseReason.CLOSED) {
				finish();
			}
		});
	}

	/**
	 * Writes what is waiting with one write: the same pre-encoded bytes, joined when the
	 * stream has fallen behind. Never blocks: the output stream is in non-blocking mode;
	 * when the client's socket cannot take more, the frames wait here (bounded) and
	 * {@link #onWritePossible()} sends them when the container says it can.
	 */
	private void write(List<Frame> frames) throws IOException {
		this.writing.lock();
		try {
			if (this.finished) {
				throw new IOException("stream already completed");
			}
			if (!this.pending.isEmpty() || !this.out.isReady()) {
				// the client is not keeping up: hold the frames until it is, within the
				// mailbox's bound for what waits here and there together
				this.pending.addAll(frames);
				if (this.pending.size() + this.mailbox.backlog() > this.capacity) {
					throw new IOException("the client fell " + this.pending.size() + " events behind");
				}
				return;
			}
			send(frames);
		}
		finally {
			this.writing.unlock();
			// on every way out, the early return included: a completion asked for
			// while this write held the lock is carried out now, never lost
			if (this.finishing) {
				finish();
			}
		}
	}

	/** Writes the frames as one array and flushes if the stream stays ready. */
	private void send(List<Frame> frames) throws IOException {
		byte[] bytes;
		int messages = 0;
		if (frames.size() == 1) {
			bytes = frames.get(0).bytes();
			messages = frames.get(0).message() ? 1 : 0;
		}
		else {
			int length = 0;
			for (Frame frame : frames) {
				length += frame.bytes().length;
			}
			bytes = new byte[length];
			int offset = 0;
			for (Frame frame : frames) {
				System.arraycopy(frame.bytes(), 0, bytes, offset, frame.bytes().length);
				offset += frame.bytes().length;
				messages += frame.message() ? 1 : 0;
			}
		}
		this.out.write(bytes);
		if (this.out.isReady()) {
			this.out.flush();
		}
		// else the container writes (and flushes) the rest itself, then calls
		// onWritePossible
		this.stats.sent(Technique.SSE, messages, bytes.length);
	}

	/** The container can take more: sends what waited. Runs on a container thread. */
	@Override
	public void onWritePossible() throws IOException {
		this.writing.lock();
		try {
			if (!this.finished && !this.pending.isEmpty() && this.out.isReady()) {
				List<Frame> frames = new ArrayList<>(this.pending);
				this.pending.clear();
				send(frames);
			}
		}
		finally {
			this.writing.unlock();
			if (this.finishing) {
				finish();
			}
		}
	}

	@Override
	public void onError(Throwable ex) {
		complete();
	}

	/**
	 * Completes the async request, once, never in the middle of a write, and never
	 * waiting: when a write is in progress (on a delivery or a container thread) the
	 * writer completes the request as soon as its write returns.
	 */
	void finish() {
		this.finishing = true;
		if (this.writing.tryLock()) {
			try {
				if (!this.finished) {
					this.finished = true;
					this.async.complete();
				}
			}
			catch (IllegalStateException ex) {
				// the container has already ended the request (the client went away or
				// the request timed out): nothing is left to complete
			}
			finally {
				this.writing.unlock();
			}
		}
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
		if (this.mailbox.backlog() == 0) {
			sendRaw(HEARTBEAT);
		}
	}

	void attach(Subscription subscription, Runnable onClose) {
		this.subscription = subscription;
		this.onClose = onClose;
		if (this.closed.get()) {
			subscription.close();
		}
	}

	boolean isClosed() {
		return this.closed.get();
	}

	/** Completes the stream (shutdown). */
	void complete() {
		close();
		finish();
	}

	/** Releases everything, once: called on completion, timeout, error or overflow. */
	void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.mailbox.close();
			Subscription s = this.subscription;
			if (s != null) {
				s.close();
			}
			this.onClose.run();
		}
	}

}
