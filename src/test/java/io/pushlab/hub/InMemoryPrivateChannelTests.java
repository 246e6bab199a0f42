package io.pushlab.hub;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryPrivateChannelTests {

	final InMemoryNameRegistry names = new InMemoryNameRegistry();

	final InMemoryPrivateChannel channel = new InMemoryPrivateChannel(this.names);

	final List<PrivateMessage> delivered = new ArrayList<>();

	InMemoryPrivateChannelTests() {
		this.channel.addListener(this.delivered::add);
	}

	@Test
	void deliversToTheListenersWhenTheAddresseeIsConnected() {
		this.names.claim("bob", "s1");
		PrivateMessage message = new PrivateMessage("alice", "bob", "hi", "n", 1L);
		assertThat(this.channel.publish(message)).isTrue();
		assertThat(this.delivered).containsExactly(message);
	}

	@Test
	void refusesAndDeliversNothingWhenTheAddresseeIsOffline() {
		assertThat(this.channel.publish(new PrivateMessage("alice", "bob", "hi", null, 1L))).isFalse();
		this.names.claim("bob", "s1");
		this.names.release("bob", "s1");
		assertThat(this.channel.publish(new PrivateMessage("alice", "bob", "hi", null, 1L))).isFalse();
		assertThat(this.delivered).isEmpty();
	}

}
