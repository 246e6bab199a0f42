package io.pushlab.hub;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.pushlab.hub.NameRegistry.Claim;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryNameRegistryTests {

	final InMemoryNameRegistry names = new InMemoryNameRegistry();

	/** The registry's clock, moved by hand. */
	final AtomicLong now = new AtomicLong();

	final InMemoryNameRegistry graceful = new InMemoryNameRegistry(Duration.ofSeconds(30), this.now::get);

	@Test
	void theFirstOwnerHoldsANameUntilItsLastClaimIsReleased() {
		assertThat(this.names.isClaimed("alice")).isFalse();
		assertThat(this.names.claim("alice", "session-1")).isEqualTo(Claim.GRANTED);
		assertThat(this.names.claim("alice", "session-1")).as("a second tab of the same session")
			.isEqualTo(Claim.GRANTED);
		assertThat(this.names.claim("alice", "session-2")).isEqualTo(Claim.IN_USE);
		this.names.release("alice", "session-1");
		assertThat(this.names.claim("alice", "session-2")).as("one claim of session-1 is left").isEqualTo(Claim.IN_USE);
		this.names.release("alice", "session-1");
		assertThat(this.names.isClaimed("alice")).isFalse();
		assertThat(this.names.claim("alice", "session-2")).isEqualTo(Claim.GRANTED);
	}

	@Test
	void releasingByAnotherOwnerChangesNothing() {
		this.names.claim("bob", "session-1");
		this.names.release("bob", "session-2");
		this.names.release("nobody", "session-2");
		assertThat(this.names.isClaimed("bob")).isTrue();
		assertThat(this.names.claim("bob", "session-2")).isEqualTo(Claim.IN_USE);
	}

	@Test
	void aCaseVariantOfANameInUseIsALookAlike() {
		this.names.claim("Bob", "session-1");
		assertThat(this.names.claim("bob", "session-2")).isEqualTo(Claim.CONFUSABLE);
		assertThat(this.names.claim("BOB", "session-2")).isEqualTo(Claim.CONFUSABLE);
		assertThat(this.names.check("bob", null)).isEqualTo(Claim.CONFUSABLE);
		// held under the owner's own spelling only
		assertThat(this.names.isClaimed("Bob")).isTrue();
		assertThat(this.names.isClaimed("bob")).isFalse();
		this.names.release("Bob", "session-1");
		assertThat(this.names.claim("bob", "session-2")).isEqualTo(Claim.GRANTED);
	}

	@Test
	void aNameIsReservedForItsOwnerDuringTheGracePeriod() {
		assertThat(this.graceful.claim("carol", "session-1")).isEqualTo(Claim.GRANTED);
		this.graceful.release("carol", "session-1");
		assertThat(this.graceful.isClaimed("carol")).as("nobody is connected under it").isFalse();

		this.now.addAndGet(Duration.ofSeconds(29).toNanos());
		assertThat(this.graceful.check("carol", "session-2")).isEqualTo(Claim.RESERVED);
		assertThat(this.graceful.claim("carol", "session-2")).isEqualTo(Claim.RESERVED);
		assertThat(this.graceful.check("carol", null)).isEqualTo(Claim.RESERVED);
		assertThat(this.graceful.claim("carol", "session-1")).as("the owner comes back").isEqualTo(Claim.GRANTED);
		assertThat(this.graceful.isClaimed("carol")).isTrue();

		this.graceful.release("carol", "session-1");
		this.now.addAndGet(Duration.ofSeconds(30).toNanos());
		assertThat(this.graceful.check("carol", "session-2")).isEqualTo(Claim.GRANTED);
		assertThat(this.graceful.claim("carol", "session-2")).as("after the grace period").isEqualTo(Claim.GRANTED);
	}

	@Test
	void expiredReservationsAreSwept() {
		for (int i = 0; i < 1000; i++) {
			this.graceful.claim("user-" + i, "session-" + i);
			this.graceful.release("user-" + i, "session-" + i);
		}
		assertThat(this.graceful.size()).isEqualTo(1000);
		this.now.addAndGet(Duration.ofSeconds(31).toNanos());
		this.graceful.claim("late", "session-x");
		assertThat(this.graceful.size()).isEqualTo(1);
	}

	@Test
	void aLookAlikeOfANameInUseOrReservedIsRefused() {
		assertThat(MessageRules.skeleton("paypal")).isEqualTo(MessageRules.skeleton("paypa1"));
		this.graceful.claim("paypal", "session-1");
		assertThat(this.graceful.claim("paypa1", "session-2")).isEqualTo(Claim.CONFUSABLE);
		assertThat(this.graceful.claim("paypaI", "session-2")).isEqualTo(Claim.CONFUSABLE);
		assertThat(this.graceful.check("paypa1", null)).isEqualTo(Claim.CONFUSABLE);
		assertThat(this.graceful.isClaimed("paypa1")).as("online means that very name").isFalse();
		assertThat(this.graceful.claim("paypa1", "session-1")).as("one spelling at a time, even for the owner")
			.isEqualTo(Claim.CONFUSABLE);

		this.graceful.release("paypal", "session-1");
		assertThat(this.graceful.claim("paypa1", "session-2")).as("reserved").isEqualTo(Claim.CONFUSABLE);
		assertThat(this.graceful.claim("paypa1", "session-1")).as("the owner may switch spellings")
			.isEqualTo(Claim.GRANTED);
		assertThat(this.graceful.isClaimed("paypa1")).isTrue();
		assertThat(this.graceful.isClaimed("paypal")).isFalse();
	}

}
