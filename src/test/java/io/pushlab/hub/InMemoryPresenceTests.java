package io.pushlab.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryPresenceTests {

	final InMemoryPresence presence = new InMemoryPresence();

	final List<String> changes = new ArrayList<>();

	InMemoryPresenceTests() {
		this.presence.addListener((change) -> this.changes.add(change.room() + "=" + change.users(100)));
	}

	@Test
	void listsEachUserOnceSortedAndAnnouncesEveryJoinAndLeave() {
		this.presence.join("lobby", "bob", "c1");
		this.presence.join("lobby", "Alice", "c2");
		this.presence.join("lobby", "bob", "c3");
		this.presence.join("other", "carol", "c4");
		assertThat(this.presence.members("lobby")).containsExactly("Alice", "bob");
		this.presence.leave("lobby", "bob", "c1");
		assertThat(this.presence.members("lobby")).as("bob still has c3 in the room").containsExactly("Alice", "bob");
		this.presence.leave("lobby", "bob", "c3");
		this.presence.leave("lobby", "Alice", "c2");
		assertThat(this.changes).containsExactly("lobby=[bob]", "lobby=[Alice, bob]", "lobby=[Alice, bob]",
				"other=[carol]", "lobby=[Alice, bob]", "lobby=[Alice]", "lobby=[]");
		assertThat(this.presence.members("lobby")).isEmpty();
	}

	@Test
	void leavingARoomOneIsNotInChangesNothing() {
		this.presence.join("lobby", "bob", "c1");
		this.presence.leave("lobby", "bob", "c9");
		this.presence.leave("nowhere", "bob", "c1");
		assertThat(this.changes).containsExactly("lobby=[bob]");
	}

	@Test
	void aRoomEmptiedAndJoinedAgainWorks() {
		this.presence.join("lobby", "bob", "c1");
		this.presence.leave("lobby", "bob", "c1");
		this.presence.join("lobby", "dan", "c2");
		assertThat(this.presence.members("lobby")).containsExactly("dan");
	}

	@Test
	void concurrentJoinsAndLeavesEndConsistentAndTheLastAnnouncementIsTheTruth() throws Exception {
		InMemoryPresence shared = new InMemoryPresence();
		AtomicReference<List<String>> lastAnnounced = new AtomicReference<>();
		shared.addListener((change) -> lastAnnounced.set(change.users(100)));
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int thread = t;
			threads.add(new Thread(() -> {
				for (int i = 0; i < 2000; i++) {
					String member = thread + "-" + i;
					shared.join("busy", "user" + thread, member);
					shared.leave("busy", "user" + thread, member);
				}
				shared.join("busy", "user" + thread, "final-" + thread);
			}));
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(shared.members("busy")).containsExactly("user0", "user1", "user2", "user3");
		assertThat(lastAnnounced.get()).containsExactly("user0", "user1", "user2", "user3");
	}

	@Test
	void eachChangeSaysWhoChangedWhetherTheListChangedAndTheCount() {
		List<String> deltas = new ArrayList<>();
		this.presence.addListener((change) -> deltas.add((change.joined() ? "+" : "-") + change.user() + " "
				+ change.listChanged() + " " + change.count() + " " + change.users(1)));
		this.presence.join("lobby", "bob", "c1");
		this.presence.join("lobby", "Alice", "c2");
		this.presence.join("lobby", "bob", "c3");
		this.presence.leave("lobby", "bob", "c1");
		this.presence.leave("lobby", "bob", "c3");
		assertThat(deltas).containsExactly("+bob true 1 [bob]", "+Alice true 2 [Alice]", "+bob false 2 [Alice]",
				"-bob false 2 [Alice]", "-bob true 1 [Alice]");
	}

	@Test
	void aBigRoomKeepsItsUsersSortedAsTheyJoin() {
		InMemoryPresence big = new InMemoryPresence();
		int[] counts = new int[1];
		big.addListener((change) -> counts[0] = change.count());
		for (int i = 0; i < 20_000; i++) {
			big.join("big", "user" + i, "c" + i);
		}
		assertThat(counts[0]).isEqualTo(20_000);
		assertThat(big.members("big")).hasSize(20_000).startsWith("user0", "user1", "user10");
	}

}
