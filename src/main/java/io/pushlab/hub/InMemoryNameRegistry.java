package io.pushlab.hub;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The embedded {@link NameRegistry}: one JVM, one entry per name skeleton holding the
 * owner, the spelling and the count of claims, changed atomically. An entry with no
 * claims left is the owner's reservation until its deadline; expired reservations are
 * swept at most once per grace period, so names nobody comes back for do not pile up.
 */
public class InMemoryNameRegistry implements NameRegistry {

	/**
	 * @param owner who holds the name
	 * @param name the spelling in use
	 * @param count open claims; 0 for a reservation
	 * @param reservedUntil end of the reservation ({@code nanoTime}), when count is 0
	 */
	private record Holder(String owner, String name, int count, long reservedUntil) {

		boolean expired(long now) {
			return this.count == 0 && now - this.reservedUntil >= 0;
		}

	}

	private final ConcurrentMap<String, Holder> holders = new ConcurrentHashMap<>();

	private final long graceNanos;

	private final LongSupplier nanoTime;

	private final AtomicLong lastSweep;

	/** A registry that frees a name as soon as its owner's last claim is released. */
	public InMemoryNameRegistry() {
		this(Duration.ZERO, System::nanoTime);
	}

	/**
	 * @param grace how long a name stays reserved for its owner after the owner's last
	 * claim is released
	 * @param nanoTime the clock ({@code System::nanoTime})
	 */
	public InMemoryNameRegistry(Duration grace, LongSupplier nanoTime) {
		this.graceNanos = grace.toNanos();
		this.nanoTime = nanoTime;
		this.lastSweep = new AtomicLong(nanoTime.getAsLong());
	}

	@Override
	public Claim claim(String name, String owner) {
		long now = this.nanoTime.getAsLong();
		sweep(now);
		Claim[] answer = new Claim[1];
		this.holders.compute(MessageRules.skeleton(name), (key, held) -> {
			Holder current = (held != null && held.expired(now)) ? null : held;
			answer[0] = judge(current, name, owner);
			if (answer[0] != Claim.GRANTED) {
				return held;
			}
			int count = (current != null && current.name().equals(name)) ? current.count() + 1 : 1;
			return new Holder(owner, name, count, 0);
		});
		return answer[0];
	}

	@Override
	public void release(String name, String owner) {
		long now = this.nanoTime.getAsLong();
		this.holders.computeIfPresent(MessageRules.skeleton(name), (key, held) -> {
			if (!held.owner().equals(owner) || !held.name().equals(name) || held.count() == 0) {
				return held;
			}
			if (held.count() > 1) {
				return new Holder(owner, name, held.count() - 1, 0);
			}
			return (this.graceNanos > 0) ? new Holder(owner, name, 0, now + this.graceNanos) : null;
		});
	}

	@Override
	public Claim check(String name, String owner) {
		Holder held = this.holders.get(MessageRules.skeleton(name));
		return judge((held != null && held.expired(this.nanoTime.getAsLong())) ? null : held, name, owner);
	}

	@Override
	public boolean isClaimed(String name) {
		Holder held = this.holders.get(MessageRules.skeleton(name));
		return held != null && held.count() > 0 && held.name().equals(name);
	}

	/** What a claim of {@code name} by {@code owner} gets while {@code held} holds it. */
	private static Claim judge(Holder held, String name, String owner) {
		if (held == null) {
			return Claim.GRANTED;
		}
		boolean sameName = held.name().equals(name);
		if (!held.owner().equals(owner)) {
			if (!sameName) {
				return Claim.CONFUSABLE;
			}
			return (held.count() > 0) ? Claim.IN_USE : Claim.RESERVED;
		}
		// the owner may switch spellings only when no connection uses the other one
		return (sameName || held.count() == 0) ? Claim.GRANTED : Claim.CONFUSABLE;
	}

	private void sweep(long now) {
		long last = this.lastSweep.get();
		if (this.graceNanos == 0 || now - last < this.graceNanos || !this.lastSweep.compareAndSet(last, now)) {
			return;
		}
		this.holders.values().removeIf((held) -> held.expired(now));
	}

	/**
	 * @return names held or reserved now (for tests and diagnostics)
	 */
	int size() {
		return this.holders.size();
	}

}
