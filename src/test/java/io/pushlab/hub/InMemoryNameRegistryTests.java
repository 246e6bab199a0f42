package io.pushlab.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryNameRegistryTests {

	final InMemoryNameRegistry names = new InMemoryNameRegistry();

	@Test
	void theFirstOwnerHoldsANameUntilItsLastClaimIsReleased() {
		assertThat(this.names.isClaimed("alice")).isFalse();
		assertThat(this.names.claim("alice", "session-1")).isTrue();
		assertThat(this.names.claim("alice", "session-1")).as("a second tab of the same session").isTrue();
		assertThat(this.names.claim("alice", "session-2")).isFalse();
		this.names.release("alice", "session-1");
		assertThat(this.names.claim("alice", "session-2")).as("one claim of session-1 is left").isFalse();
		this.names.release("alice", "session-1");
		assertThat(this.names.isClaimed("alice")).isFalse();
		assertThat(this.names.claim("alice", "session-2")).isTrue();
	}

	@Test
	void releasingByAnotherOwnerChangesNothing() {
		this.names.claim("bob", "session-1");
		this.names.release("bob", "session-2");
		this.names.release("nobody", "session-2");
		assertThat(this.names.isClaimed("bob")).isTrue();
		assertThat(this.names.claim("bob", "session-2")).isFalse();
	}

	@Test
	void namesAreExact() {
		this.names.claim("bob", "session-1");
		assertThat(this.names.claim("Bob", "session-2")).isTrue();
	}

}
