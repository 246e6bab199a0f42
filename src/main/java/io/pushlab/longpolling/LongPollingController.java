package io.pushlab.longpolling;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Broker;
import io.pushlab.hub.MessageRules;
import io.pushlab.technique.Technique;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.web.ApiExceptionHandler;
import io.pushlab.web.InvalidInputException;
import io.pushlab.web.MessagesJson;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Long polling: {@code GET /api/rooms/{room}/longpoll?client=&after=&timeout=} answers at
 * once when the client's queue holds messages, otherwise parks the request until one
 * arrives or the timeout passes (204).
 * <p>
 * A ready answer is returned as a plain {@link ResponseEntity}, and only a request that
 * has to wait gets a {@link DeferredResult}. Spring MVC picks the return value handler by
 * the returned value's class, so one {@code Object} method serves both. A
 * {@code DeferredResult} always goes through the servlet's async mode and a second
 * dispatch, even when its result is set before the method returns; under load most polls
 * find messages waiting, and that second dispatch was 41 % of a poll's CPU
 * ({@code docs/benchmarks.md}).
 */
@RestController
public class LongPollingController {

	/** The 503 detail of a parked request ended by the recovery drill. */
	static final String DROPPED = "room: connections dropped (recovery drill); poll again with after to resume";

	/**
	 * How long after its timeout the container ends a parked request that the queues have
	 * not answered (they answer within {@link ClientQueues#EXPIRY_PERIOD}).
	 */
	static final long BACKSTOP_MILLIS = 2000;

	private final ClientQueues queues;

	private final Broker broker;

	private final TechniqueStats stats;

	private final long maxTimeoutMillis;

	public LongPollingController(ClientQueues queues, Broker broker, TechniqueStats stats,
			PushLabProperties properties) {
		this.queues = queues;
		this.broker = broker;
		this.stats = stats;
		this.maxTimeoutMillis = properties.longPolling().timeout().toMillis();
	}

	// @excerpt longpolling
	// a ResponseEntity when the answer is ready, a DeferredResult when the request must
	// wait
	@GetMapping("/api/rooms/{room}/longpoll")
	public Object poll(@PathVariable String room, @RequestParam String client,
			@RequestParam(required = false) Long after, @RequestParam(required = false) Long timeout,
			HttpServletRequest request) {
		this.stats.request(Technique.LONGPOLLING);
		InvalidInputException.throwIfAny(MessageRules.checkRoom("room", room),
				MessageRules.checkClientId("client", client),
				(after != null && after < 0) ? "after: must be 0 or more" : null,
				(timeout != null && timeout < 0) ? "timeout: must be 0 or more milliseconds" : null);
		long cursor = (after != null) ? after : -1;
		long wait = (timeout != null) ? Math.min(timeout, this.maxTimeoutMillis) : this.maxTimeoutMillis;
		boolean park = wait > 0 && !this.queues.isShuttingDown();

		// the container checks this timeout only once a second: the queues end the wait
		// at the request's timeout, and this one is a backstop
		DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(wait + BACKSTOP_MILLIS,
				ResponseEntity.noContent().build());
		ClientQueue queue = this.queues.obtain(client, room, cursor, request.getRemoteAddr());
		AtomicBoolean open = new AtomicBoolean();
		ClientQueue.Waiter waiter = new ClientQueue.Waiter() {

			@Override
			public void complete(ClientQueue.Batch batch) {
				closed(open);
				result.setResult(respond(room, batch));
			}

			@Override
			public void dropped() {
				closed(open);
				result.setResult(ApiExceptionHandler.problem(HttpStatus.SERVICE_UNAVAILABLE, List.of(DROPPED)));
			}

		};
		open.set(true);
		this.stats.opened(Technique.LONGPOLLING);
		long parkUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
		ClientQueue.Batch now = queue.poll(cursor, waiter, park, (parkUntil != 0) ? parkUntil : 1);
		if (now != null) {
			// ready: answer on this thread, no async dispatch
			closed(open);
			return respond(room, now);
		}
		// parked (or already answered by a publish meanwhile): the callbacks run once
		// Spring MVC has started the async request, whichever way it ends
		Runnable forget = () -> {
			queue.unpark(waiter);
			closed(open);
		};
		result.onTimeout(forget);
		result.onError((ex) -> forget.run());
		result.onCompletion(forget);
		return result;
	}
	// @end

	private void closed(AtomicBoolean open) {
		if (open.compareAndSet(true, false)) {
			this.stats.closed(Technique.LONGPOLLING);
		}
	}

	private ResponseEntity<byte[]> respond(String room, ClientQueue.Batch batch) {
		if (batch.isEmpty() && !batch.gap()) {
			return ResponseEntity.noContent().build();
		}
		long last = this.broker.lastId(room);
		if (!batch.isEmpty()) {
			last = Math.max(last, batch.messages().get(batch.messages().size() - 1).id());
		}
		byte[] json = MessagesJson.of(room, batch.messages(), last, batch.gap()).getBytes(StandardCharsets.UTF_8);
		this.stats.sent(Technique.LONGPOLLING, batch.messages().size(), json.length);
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json);
	}

}
