package io.pushlab.rfc6455;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input with an optional total deadline: each read waits at most until the
 * deadline ({@code SO_TIMEOUT} set to what is left) and fails with
 * {@link SocketTimeoutException} once it has passed. Used by one connection thread.
 */
final class DeadlineInputStream extends FilterInputStream {

	private final Socket socket;

	/** {@link System#nanoTime()} deadline, or 0 for none. */
	private long deadline;

	DeadlineInputStream(Socket socket) throws IOException {
		super(socket.getInputStream());
		this.socket = socket;
	}

	void deadline(long nanoTime) {
		this.deadline = nanoTime;
	}

	/**
	 * @param buffered the buffered stream over a deadline stream
	 * @return the deadline stream under it
	 */
	static DeadlineInputStream of(InputStream buffered) {
		if (buffered instanceof Buffered b) {
			return b.deadline;
		}
		throw new IllegalArgumentException("not a deadline stream");
	}

	private void arm() throws IOException {
		if (this.deadline == 0) {
			return;
		}
		long left = (this.deadline - System.nanoTime()) / 1_000_000L;
		if (left <= 0) {
			throw new SocketTimeoutException("deadline passed");
		}
		this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
	}

	@Override
	public int read() throws IOException {
		arm();
		return super.read();
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		arm();
		return super.read(b, off, len);
	}

	/** The buffered stream a connection reads from, which knows its deadline stream. */
	static final class Buffered extends BufferedInputStream {

		final DeadlineInputStream deadline;

		Buffered(DeadlineInputStream in) {
			super(in);
			this.deadline = in;
		}

	}

}
