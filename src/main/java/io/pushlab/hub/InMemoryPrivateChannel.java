package io.pushlab.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded {@link PrivateChannel}: one JVM. Online means the addressee's name is
 * claimed in the {@link NameRegistry}; delivery calls the listeners on the sender's
 * thread.
 */
public class InMemoryPrivateChannel implements PrivateChannel {

	private final NameRegistry names;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	public InMemoryPrivateChannel(NameRegistry names) {
		this.names = names;
	}

	@Override
	public boolean publish(PrivateMessage message) {
		if (!this.names.isClaimed(message.to())) {
			return false;
		}
		for (Listener listener : this.listeners) {
			listener.deliver(message);
		}
		return true;
	}

	@Override
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

}
