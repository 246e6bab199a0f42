package io.pushlab.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The in-memory broker's share of rooms per owner
 * ({@code pushlab.rooms.max-per-address}): an owner that created its share of the rooms
 * held is refused one more, naming its share, while other owners still create rooms and
 * every owner uses the rooms that exist; an evicted room gives its owner's share back.
 * Owners are opaque keys (client addresses on the wire), so two addresses are two strings
 * here.
 */
class RoomSharesTests {

	private static final String MALLORY = "198.51.100.7";

	private static final String ALICE = "2001:db8::1";

	private final AtomicLong now = new AtomicLong(1_000_000);

	private final Clock clock = new Clock() {

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(RoomSharesTests.this.now.get());
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	};

	/** 20 rooms, 3 per owner, idle after 60 s. */
	private final InMemoryBroker broker = new InMemoryBroker(10, Long.MAX_VALUE,
			(message) -> "{\"id\":" + message.id() + "}", this.clock, 20, 3, true, Duration.ofSeconds(60));

	private static Draft draft() {
		return new Draft("someone", "x", null);
	}

	private static Subscriber listener() {
		return (envelope) -> true;
	}

	@Test
	void clientsOnTheServersOwnMachineHaveNoShareUnlessConfiguredWhileOtherAddressesDo() {
		InMemoryBroker loopbackFree = new InMemoryBroker(10, Long.MAX_VALUE, (message) -> "{}", this.clock, 20, 3,
				false, Duration.ofSeconds(60));
		for (String local : List.of("127.0.0.1", "127.1.2.3", "0:0:0:0:0:0:0:1", "::1", "::ffff:127.0.0.1")) {
			for (int i = 1; i <= 3; i++) {
				loopbackFree.publish(local + "-" + i, draft(), local);
			}
			assertThat(loopbackFree.ownedBy(local)).as(local).isZero();
		}
		assertThat(loopbackFree.roomCount()).isEqualTo(15);
		loopbackFree.admit("one-more", "127.0.0.1");
		// an address that only looks local is a remote one
		for (int i = 1; i <= 3; i++) {
			loopbackFree.publish("m-" + i, draft(), "128.0.0.1");
		}
		assertThat(
				catchThrowableOfType(RoomLimitException.class, () -> loopbackFree.publish("m-4", draft(), "128.0.0.1"))
					.reason())
			.isEqualTo(RoomLimitException.ROOMS_PER_ADDRESS);
		// with limit-loopback (this class's broker) a loopback client has its share
		for (int i = 1; i <= 3; i++) {
			this.broker.publish("l-" + i, draft(), "127.0.0.1");
		}
		assertThat(
				catchThrowableOfType(RoomLimitException.class, () -> this.broker.publish("l-4", draft(), "127.0.0.1"))
					.reason())
			.isEqualTo(RoomLimitException.ROOMS_PER_ADDRESS);
		assertThat(RoomOwners.isLoopback("[::1]")).isTrue();
		assertThat(RoomOwners.isLoopback("::2")).isFalse();
		assertThat(RoomOwners.isLoopback("10.127.0.1")).isFalse();
	}

	@Test
	void anOwnerPastItsShareIsRefusedWhileOtherOwnersStillCreateRooms() {
		this.broker.publish("m-1", draft(), MALLORY);
		Subscription held = this.broker.subscribe("m-2", -1, listener(), MALLORY);
		this.broker.publish("m-3", draft(), MALLORY);
		assertThat(this.broker.ownedBy(MALLORY)).isEqualTo(3);

		RoomLimitException publish = catchThrowableOfType(RoomLimitException.class,
				() -> this.broker.publish("m-4", draft(), MALLORY));
		assertThat(publish.reason()).isEqualTo(RoomLimitException.ROOMS_PER_ADDRESS);
		assertThat(publish.getMessage())
			.startsWith("room: your address holds 3 new rooms, its share of the server's 20");
		assertThat(publish.retryAfterSeconds()).isEqualTo(60);
		assertThat(catchThrowableOfType(RoomLimitException.class,
				() -> this.broker.subscribe("m-4", 0, listener(), MALLORY))
			.reason()).isEqualTo(RoomLimitException.ROOMS_PER_ADDRESS);
		assertThat(catchThrowableOfType(RoomLimitException.class, () -> this.broker.admit("m-4", MALLORY)).reason())
			.isEqualTo(RoomLimitException.ROOMS_PER_ADDRESS);
		// nothing was created, and the table is far from full
		assertThat(this.broker.holds("m-4")).isFalse();
		assertThat(this.broker.roomCount()).isEqualTo(3);

		// another owner, and the server's own traffic, still create rooms
		assertThat(this.broker.publish("a-1", draft(), ALICE).id()).isEqualTo(1);
		this.broker.subscribe("a-2", -1, listener(), ALICE).close();
		this.broker.publish("internal", draft(), null);
		assertThat(this.broker.ownedBy(ALICE)).isEqualTo(2);
		assertThat(this.broker.roomCount()).isEqualTo(6);

		// rooms that exist are never refused by the share, whoever created them
		assertThat(this.broker.publish("m-1", draft(), MALLORY).id()).isEqualTo(2);
		assertThat(this.broker.publish("a-1", draft(), MALLORY).id()).isEqualTo(2);
		this.broker.subscribe("a-2", 0, listener(), MALLORY).close();
		assertThatNoException().isThrownBy(() -> this.broker.admit("internal", MALLORY));
		assertThat(this.broker.ownedBy(MALLORY)).isEqualTo(3);
		held.close();
	}

	@Test
	void anEvictedRoomGivesItsOwnersShareBack() {
		Subscription held = this.broker.subscribe("m-1", -1, listener(), MALLORY);
		this.broker.publish("m-2", draft(), MALLORY);
		this.broker.publish("m-3", draft(), MALLORY);
		assertThat(catchThrowableOfType(RoomLimitException.class, () -> this.broker.publish("m-4", draft(), MALLORY)))
			.isNotNull();

		this.now.addAndGet(61_000);
		// the room with a subscriber stays and still counts; the two idle ones go
		assertThat(this.broker.evictIdleRooms()).isEqualTo(2);
		assertThat(this.broker.ownedBy(MALLORY)).isEqualTo(1);
		this.broker.publish("m-4", draft(), MALLORY);
		this.broker.publish("m-5", draft(), MALLORY);
		assertThat(catchThrowableOfType(RoomLimitException.class, () -> this.broker.publish("m-6", draft(), MALLORY)))
			.isNotNull();

		// a room discarded at once (the warm-up's) gives its share back too
		held.close();
		assertThat(this.broker.discard("m-1")).isTrue();
		assertThat(this.broker.ownedBy(MALLORY)).isEqualTo(2);
		this.broker.publish("m-6", draft(), MALLORY);
	}

	@Test
	void theServerWideBoundStillHoldsAndARefusedRoomCostsNoShare() {
		InMemoryBroker small = new InMemoryBroker(10, Long.MAX_VALUE, (message) -> "{}", this.clock, 2, 2, true,
				Duration.ofSeconds(60));
		small.publish("a-1", draft(), ALICE);
		small.publish("m-1", draft(), MALLORY);
		RoomLimitException full = catchThrowableOfType(RoomLimitException.class,
				() -> small.publish("m-2", draft(), MALLORY));
		assertThat(full.reason()).isEqualTo(RoomLimitException.ROOM_LIMIT);
		assertThat(full.getMessage()).startsWith("room: the server holds its maximum of 2 rooms");
		assertThat(small.ownedBy(MALLORY)).isEqualTo(1);
	}

}
