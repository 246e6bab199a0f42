package io.pushlab.hub;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded {@link Presence}: one JVM. Each room's members and announcements are
 * ordered by the room's monitor, so listeners see a room's lists in the order of its
 * changes; empty rooms are forgotten.
 */
public class InMemoryPresence implements Presence {

	private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	@Override
	public void join(String room, String user, String memberId) {
		while (true) {
			Room state = this.rooms.computeIfAbsent(room, (name) -> new Room());
			synchronized (state) {
				if (state.removed) {
					continue;
				}
				state.members.put(memberId, user);
				announce(room, state.users());
				return;
			}
		}
	}

	@Override
	public void leave(String room, String user, String memberId) {
		Room state = this.rooms.get(room);
		if (state == null) {
			return;
		}
		synchronized (state) {
			if (state.removed || state.members.remove(memberId) == null) {
				return;
			}
			if (state.members.isEmpty()) {
				state.removed = true;
				this.rooms.remove(room, state);
			}
			announce(room, state.users());
		}
	}

	@Override
	public List<String> members(String room) {
		Room state = this.rooms.get(room);
		if (state == null) {
			return List.of();
		}
		synchronized (state) {
			return state.users();
		}
	}

	@Override
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	private void announce(String room, List<String> users) {
		for (Listener listener : this.listeners) {
			listener.changed(room, users);
		}
	}

	/** A room's connections and their users; guarded by its own monitor. */
	private static final class Room {

		private final Map<String, String> members = new HashMap<>();

		private boolean removed;

		List<String> users() {
			return this.members.values().stream().distinct().sorted(ORDER).toList();
		}

	}

}
