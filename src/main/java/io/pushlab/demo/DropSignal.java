package io.pushlab.demo;

import java.util.function.Consumer;

/**
 * How a cluster-wide drop reaches the other instances: in memory there are none; on Redis
 * it is a control message on a channel every instance listens to.
 */
public interface DropSignal {

	/**
	 * Asks every other instance to drop the room.
	 * @param room a valid room name
	 * @return the instances that received the request, this one included (1 when there is
	 * no cluster)
	 * @throws io.pushlab.hub.BrokerUnavailableException when the cluster cannot be
	 * reached
	 */
	int broadcast(String room);

	/**
	 * @param listener called with each room that another instance asked to drop; it must
	 * return quickly
	 */
	void addListener(Consumer<String> listener);

	/** The single-instance signal: no other instance to tell. */
	final class Local implements DropSignal {

		@Override
		public int broadcast(String room) {
			return 1;
		}

		@Override
		public void addListener(Consumer<String> listener) {
		}

	}

}
