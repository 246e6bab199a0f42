package io.pushlab.sse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.pushlab.hub.Envelope;
import io.pushlab.hub.Mailbox;
import io.pushlab.hub.Subscriber;
import io.pushlab.hub.Subscription;
import io.pushlab.stats.Technique;
import io.pushlab.stats.TechniqueStats;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open event stream: the hub hands it messages, its {@link Mailbox} writes them in
 * order as pre-encoded SSE frames, the same bytes for every stream. A stream that falls
 * {@code buffer-size} events behind, or whose write fails, is completed and removed; the
 * browser reconnects with {@code Last-Event-ID} and loses nothing still retained.
 */
final class SseConnection implements Subscriber {

	/** The SSE frame of a message, encoded once per message: id, event, data. */
	static final Function<Envelope, byte[]> FRAME = (
			envelope) -> ("id: " + envelope.id() + "\nevent: message\ndata: " + envelope.json() + "\n\n")
				.getBytes(StandardCharsets.UTF_8);

	static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final MediaType RAW = MediaType.APPLICATION_OCTET_STREAM;

	private final String room;

	private final SseEmitter emitter;

	private final Mailbox<Frame> mailbox;

	private final TechniqueStats stats;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile Subscription subscription;

	private volatile Runnable onClose = () -> {
	};

	/** Bytes to write, and whether they carry a message. */
	record Frame(byte[] bytes, boolean message) {
	}

	SseConnection(String room, SseEmitter emitter, int capacity, Executor executor, TechniqueStats stats) {
		this.room = room;
		this.emitter = emitter;
		this.stats = stats;
		this.mailbox = Mailbox.batching(capacity, executor, this::write, (reason) -> {
			// release first: completing may wait for a write stuck on this slow client
			close();
			if (reason != Mailbox.CloseReason.CLOSED) {
				try {
					emitter.complete();
				}
				catch (IllegalStateException ex) {
					// the write failed because the client went away: the container has
					// already ended the request (onError) and refuses an application
					// thread's dispatch; nothing is left to complete
				}
			}
		});
	}

	/**
	 * Writes what is waiting with one send and one flush: the same pre-encoded bytes,
	 * joined when the stream has fallen behind.
	 */
	private void write(List<Frame> frames) throws Exception {
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
		this.emitter.send(Set.of(new DataWithMediaType(bytes, RAW)));
		this.stats.sent(Technique.SSE, messages, bytes.length);
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
		this.mailbox.close();
		this.emitter.complete();
		close();
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
