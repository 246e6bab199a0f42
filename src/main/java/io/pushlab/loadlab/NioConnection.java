package io.pushlab.loadlab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One non-blocking TCP connection on a {@link NioLoop}; a subclass speaks the protocol.
 * Every method runs on the loop's thread. Reads go through the loop's shared buffer into
 * {@link #onBytes}; writes go out at once and only what the socket does not take waits,
 * in order, for {@link SelectionKey#OP_WRITE}. The same object may connect again after it
 * closed (keep-alive clients reconnect when the server ends a connection).
 */
abstract class NioConnection {

	/** Reads per readiness event at most, so one busy socket cannot starve the others. */
	private static final int READS_PER_EVENT = 4;

	protected final NioLoop loop;

	private SocketChannel channel;

	private SelectionKey key;

	private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(2);

	private NioLoop.Timer connectTimer;

	private boolean connected;

	NioConnection(NioLoop loop) {
		this.loop = loop;
	}

	/** True from {@link #connect} until the connection is closed. */
	final boolean isOpen() {
		return this.channel != null;
	}

	/** True once the TCP connection is established, until it is closed. */
	final boolean isConnected() {
		return this.connected;
	}

	/**
	 * Opens the connection; {@link #onConnected()} or {@link #onClosed(Throwable)}
	 * follows.
	 * @param address where to
	 * @param timeoutMillis how long the TCP connect may take
	 */
	final void connect(InetSocketAddress address, long timeoutMillis) {
		if (this.channel != null) {
			throw new IllegalStateException("already open");
		}
		try {
			SocketChannel ch = SocketChannel.open();
			this.channel = ch;
			ch.configureBlocking(false);
			ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
			if (ch.connect(address)) {
				this.key = ch.register(this.loop.selector(), SelectionKey.OP_READ, this);
				established();
			}
			else {
				this.key = ch.register(this.loop.selector(), SelectionKey.OP_CONNECT, this);
				this.connectTimer = this.loop.schedule(() -> {
					if (!this.connected && this.channel == ch) {
						fail(new IOException("connect timed out after " + timeoutMillis + " ms"));
					}
				}, timeoutMillis);
			}
		}
		catch (IOException | RuntimeException ex) {
			fail(ex);
		}
	}

	/** Sends bytes after those already waiting. Ignored when the connection is closed. */
	final void send(ByteBuffer bytes) {
		if (this.channel == null) {
			return;
		}
		try {
			if (this.pending.isEmpty() && this.connected) {
				this.channel.write(bytes);
				if (!bytes.hasRemaining()) {
					return;
				}
			}
			this.pending.add(bytes);
			if (this.connected) {
				this.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
			}
		}
		catch (IOException | RuntimeException ex) {
			fail(ex);
		}
	}

	final void send(byte[] bytes) {
		send(ByteBuffer.wrap(bytes));
	}

	/** Closes the connection quietly: {@link #onClosed} is not called. */
	final void close() {
		release();
	}

	/** Called by the loop when the key is ready. */
	final void ready(SelectionKey ready, ByteBuffer buffer, byte[] bytes) {
		if (ready != this.key) {
			return;
		}
		try {
			if (ready.isConnectable()) {
				if (this.channel.finishConnect()) {
					ready.interestOps(this.pending.isEmpty() ? SelectionKey.OP_READ
							: SelectionKey.OP_READ | SelectionKey.OP_WRITE);
					established();
				}
				return;
			}
			if (ready.isWritable()) {
				flush();
			}
			if (ready.isValid() && ready.isReadable()) {
				read(buffer, bytes);
			}
		}
		catch (IOException | RuntimeException ex) {
			fail(ex);
		}
	}

	private void established() {
		this.connected = true;
		if (this.connectTimer != null) {
			this.connectTimer.cancel();
			this.connectTimer = null;
		}
		onConnected();
	}

	private void flush() throws IOException {
		ByteBuffer head;
		while ((head = this.pending.peek()) != null) {
			this.channel.write(head);
			if (head.hasRemaining()) {
				return;
			}
			this.pending.poll();
		}
		if (this.key != null && this.key.isValid()) {
			this.key.interestOps(SelectionKey.OP_READ);
		}
	}

	private void read(ByteBuffer buffer, byte[] bytes) throws IOException {
		SocketChannel ch = this.channel;
		for (int i = 0; i < READS_PER_EVENT && ch == this.channel; i++) {
			buffer.clear();
			int n = ch.read(buffer);
			if (n < 0) {
				release();
				onClosed(null);
				return;
			}
			if (n == 0) {
				return;
			}
			onBytes(bytes, 0, n);
			if (n < bytes.length) {
				return;
			}
		}
	}

	/** Closes after an error and tells the subclass. */
	final void fail(Throwable cause) {
		if (this.channel == null) {
			return;
		}
		release();
		onClosed(cause);
	}

	private void release() {
		SocketChannel ch = this.channel;
		this.channel = null;
		this.connected = false;
		this.pending.clear();
		if (this.connectTimer != null) {
			this.connectTimer.cancel();
			this.connectTimer = null;
		}
		if (this.key != null) {
			this.key.cancel();
			this.key = null;
		}
		if (ch != null) {
			try {
				ch.close();
			}
			catch (IOException ex) {
				// closed anyway
			}
		}
	}

	/** The TCP connection is up; typically sends the request. */
	protected abstract void onConnected();

	/**
	 * Bytes arrived. The array is the loop's shared buffer: copy what must outlive the
	 * call.
	 */
	protected abstract void onBytes(byte[] bytes, int offset, int length);

	/**
	 * The connection ended: the peer closed it ({@code cause} null) or it failed. Not
	 * called after {@link #close()}.
	 */
	protected abstract void onClosed(Throwable cause);

}
