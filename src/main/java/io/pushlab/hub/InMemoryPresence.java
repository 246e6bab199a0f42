package io.pushlab.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded {@link Presence}: one JVM. Each room's members and announcements are
 * ordered by the room's monitor, so listeners see a room's changes in order; a room keeps
 * its users sorted (a join or leave is O(log members), never a sort of the whole list);
 * empty rooms are forgotten.
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
				String previous = state.members.put(memberId, user);
				boolean listChanged = false;
				if (previous == null) {
					listChanged = state.users.merge(user, 1, Integer::sum) == 1;
				}
				announce(new RoomChange(room, user, true, listChanged, state));
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
			String removed = state.members.remove(memberId);
			if (state.removed || removed == null) {
				return;
			}
			Integer left = state.users.computeIfPresent(removed, (name, count) -> (count > 1) ? count - 1 : null);
			if (state.members.isEmpty()) {
				state.removed = true;
				this.rooms.remove(room, state);
			}
			announce(new RoomChange(room, removed, false, left == null, state));
		}
	}

	@Override
	public List<String> members(String room) {
		Room state = this.rooms.get(room);
		if (state == null) {
			return List.of();
		}
		synchronized (state) {
			return state.users(Integer.MAX_VALUE);
		}
	}

	@Override
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	private void announce(Change change) {
		for (Listener listener : this.listeners) {
			listener.changed(change);
		}
	}

	/** A room's connections and their users; guarded by its own monitor. */
	private static final class Room {

		private final Map<String, String> members = new HashMap<>();

		/** Each listed user and how many of its connections are in the room. */
		private final TreeMap<String, Integer> users = new TreeMap<>(ORDER);

		private boolean removed;

		List<String> users(int limit) {
			List<String> result = new ArrayList<>(Math.min(limit, this.users.size()));
			for (String user : this.users.keySet()) {
				if (result.size() >= limit) {
					break;
				}
				result.add(user);
			}
			return List.copyOf(result);
		}

	}

	/** A change, read under the room's monitor. */
	private record RoomChange(String room, String user, boolean joined, boolean listChanged,
			Room state) implements Change {

		@Override
		public int count() {
			return this.state.users.size();
		}

		@Override
		public List<String> users(int limit) {
			return this.state.users(limit);
		}

	}

}
