package io.pushlab.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.pushlab.config.PushLabProperties;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.technique.Droppable;
import io.pushlab.technique.Technique;
import io.pushlab.web.TooManyRequestsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link RoomDrops} without a server: every technique is asked, the rate limit holds per
 * room and over all rooms, and drops heard from other instances run here unless the drill
 * is off.
 */
class RoomDropsTests {

	/** A technique that counts the drops of each room. */
	static final class Counting implements Droppable {

		final Technique technique;

		final Map<String, AtomicInteger> drops = new ConcurrentHashMap<>();

		Counting(Technique technique) {
			this.technique = technique;
		}

		@Override
		public Technique technique() {
			return this.technique;
		}

		@Override
		public int drop(String room) {
			return this.drops.computeIfAbsent(room, (r) -> new AtomicInteger()).incrementAndGet();
		}

		int drops(String room) {
			AtomicInteger n = this.drops.get(room);
			return (n != null) ? n.get() : 0;
		}

	}

	/** A cluster of which the test plays the other instances. */
	static final class FakeSignal implements DropSignal {

		volatile Consumer<String> listener;

		volatile String broadcast;

		@Override
		public int broadcast(String room) {
			this.broadcast = room;
			return 3;
		}

		@Override
		public void addListener(Consumer<String> listener) {
			this.listener = listener;
		}

	}

	final Counting sse = new Counting(Technique.SSE);

	final Counting websocket = new Counting(Technique.WEBSOCKET);

	final TechniqueStats stats = new TechniqueStats(new SimpleMeterRegistry());

	final FakeSignal signal = new FakeSignal();

	RoomDrops drops;

	RoomDrops drops(boolean enabled, Duration interval) {
		this.drops = new RoomDrops(List.of(this.sse, this.websocket), this.signal, this.stats,
				new PushLabProperties.Demo(enabled, interval));
		return this.drops;
	}

	@AfterEach
	void stop() {
		if (this.drops != null) {
			this.drops.destroy();
		}
	}

	@Test
	void everyTechniqueIsAskedAndCounted() {
		Map<Technique, Integer> dropped = drops(true, Duration.ofSeconds(1)).drop("room-a");
		assertThat(dropped).containsEntry(Technique.SSE, 1).containsEntry(Technique.WEBSOCKET, 1);
		assertThat(this.stats.drops()).isEqualTo(1);
		assertThat(this.stats.snapshot().get("sse").get("dropped")).isEqualTo(1);
		assertThat(this.stats.snapshot().get("longpolling").get("dropped")).isZero();
	}

	@Test
	void aClusterDropTellsTheOthersAndDropsHere() {
		RoomDrops.ClusterDrop drop = drops(true, Duration.ofSeconds(1)).dropEverywhere("room-c");
		assertThat(this.signal.broadcast).isEqualTo("room-c");
		assertThat(drop.instances()).isEqualTo(3);
		assertThat(drop.here()).containsEntry(Technique.SSE, 1);
	}

	@Test
	void aRoomIsDroppedOncePerIntervalAndAtMost64RoomsAre() {
		RoomDrops limited = drops(true, Duration.ofMinutes(1));
		limited.drop("room-0");
		assertThatThrownBy(() -> limited.drop("room-0")).isInstanceOfSatisfying(TooManyRequestsException.class,
				(ex) -> {
					assertThat(ex.reason()).isEqualTo("drop_rate_limited");
					assertThat(ex.retryAfterSeconds()).isBetween(59L, 60L);
					assertThat(ex.getMessage()).startsWith("room: dropped less than 60000 ms ago");
				});
		assertThatThrownBy(() -> limited.dropEverywhere("room-0")).isInstanceOf(TooManyRequestsException.class);
		assertThat(this.signal.broadcast).isNull();
		for (int i = 1; i < RoomDrops.MAX_ROOMS_PER_INTERVAL; i++) {
			limited.drop("room-" + i);
		}
		assertThatThrownBy(() -> limited.drop("room-64")).isInstanceOfSatisfying(TooManyRequestsException.class,
				(ex) -> assertThat(ex.getMessage()).startsWith("room: 64 rooms dropped"));
		assertThat(this.sse.drops("room-0")).isEqualTo(1);
		assertThat(this.sse.drops("room-64")).isZero();
	}

	@Test
	void anIntervalOfZeroLimitsNothing() {
		RoomDrops unlimited = drops(true, Duration.ZERO);
		for (int i = 0; i < 100; i++) {
			unlimited.drop("room-z");
		}
		assertThat(this.sse.drops("room-z")).isEqualTo(100);
	}

	@Test
	void aDropHeardFromAnotherInstanceRunsHere() {
		drops(true, Duration.ofSeconds(1));
		this.signal.listener.accept("room-r");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.websocket.drops("room-r") == 1);
		assertThat(this.sse.drops("room-r")).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.stats.drops() == 1);
	}

	@Test
	void whenTheDrillIsOffADropHeardFromAnotherInstanceIsIgnored() {
		RoomDrops off = drops(false, Duration.ofSeconds(1));
		assertThat(off.isEnabled()).isFalse();
		this.signal.listener.accept("room-off");
		// refused on the listener's own thread, before anything is handed to the
		// remote-drop thread; stopping that thread makes sure nothing runs later
		off.destroy();
		assertThat(this.sse.drops("room-off")).isZero();
		assertThat(this.stats.drops()).isZero();
	}

}
