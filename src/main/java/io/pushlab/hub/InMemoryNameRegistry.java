package io.pushlab.hub;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The embedded {@link NameRegistry}: one JVM, claims counted per name, atomically. */
public class InMemoryNameRegistry implements NameRegistry {

	private record Claim(String owner, int count) {
	}

	private final ConcurrentMap<String, Claim> claims = new ConcurrentHashMap<>();

	@Override
	public boolean claim(String name, String owner) {
		Claim claim = this.claims.merge(name, new Claim(owner, 1),
				(held, fresh) -> held.owner().equals(owner) ? new Claim(owner, held.count() + 1) : held);
		return claim.owner().equals(owner);
	}

	@Override
	public void release(String name, String owner) {
		this.claims.computeIfPresent(name, (key, held) -> {
			if (!held.owner().equals(owner)) {
				return held;
			}
			return (held.count() > 1) ? new Claim(owner, held.count() - 1) : null;
		});
	}

	@Override
	public boolean isClaimed(String name) {
		return this.claims.containsKey(name);
	}

}
