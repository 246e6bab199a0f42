package io.pushlab.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.pushlab.hub.MessageRules;
import io.pushlab.technique.Technique;
import io.pushlab.stats.Rejections;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.web.ApiExceptionHandler;
import io.pushlab.web.ConnectionsPerAddress;
import io.pushlab.web.SessionOwner;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Admits a chat handshake: counts it, refuses (403, counted as {@code invalid_name}) a
 * missing or invalid {@code user} name (including one that mixes scripts confusably, UTS
 * #39), refuses (429, counted as {@code connections_per_address}) an address that holds
 * {@code pushlab.connections.max-per-address} open connections, and records the user and
 * the owner of the name, which is the HTTP session of the {@code JSESSIONID} cookie (even
 * one made by another instance of a cluster), or the connection itself when it has none.
 * The {@code Origin} is checked next, by the registration's allowed origins.
 */
@Component
public class ChatHandshakeInterceptor implements HandshakeInterceptor {

	/** Handshake attribute: the validated user name. */
	static final String USER = "pushlab.user";

	/** Handshake attribute: who owns the name (session id or connection id). */
	static final String OWNER = "pushlab.owner";

	/**
	 * Handshake attribute: the client's remote address as the servlet request sees it
	 * (the same as the HTTP endpoints'), the owner of the rooms its joins create.
	 */
	static final String ADDRESS = "pushlab.address";

	/**
	 * Makes connection owners unique across the instances of a cluster without a
	 * {@code SecureRandom} read per handshake (whose lock 5,000 joining clients queue
	 * on). Owners need not be secret: a request can never claim a {@code connection:}
	 * owner, only a {@code session:} one (its cookie).
	 */
	private static final String INSTANCE = UUID.randomUUID().toString();

	private static final AtomicLong CONNECTIONS = new AtomicLong();

	private final TechniqueStats stats;

	private final Rejections rejections;

	private final ConnectionsPerAddress connections;

	public ChatHandshakeInterceptor(TechniqueStats stats, Rejections rejections, ConnectionsPerAddress connections) {
		this.stats = stats;
		this.rejections = rejections;
		this.connections = connections;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) throws Exception {
		this.stats.request(Technique.WEBSOCKET);
		HttpServletRequest servletRequest = ((ServletServerHttpRequest) request).getServletRequest();
		String user;
		try {
			user = servletRequest.getParameter("user");
		}
		catch (IllegalStateException ex) {
			// Tomcat's InvalidParameterException: a query it cannot decode is the
			// client's fault, answered like the requests Tomcat refuses itself
			return refuse(response, HttpStatus.BAD_REQUEST, "malformed_request", ApiExceptionHandler.UNDECODABLE_QUERY);
		}
		String error = MessageRules.checkUser("user", user);
		if (error != null) {
			return refuse(response, HttpStatus.FORBIDDEN, "invalid_name", error);
		}
		String address = servletRequest.getRemoteAddr();
		if (this.connections.isFull(address)) {
			// refused before the upgrade, and nothing counted here: the connection takes
			// its place once established (ChatWebSocketHandler), so a handshake that
			// fails
			// later holds none
			return refuse(response, HttpStatus.TOO_MANY_REQUESTS, ConnectionsPerAddress.REASON,
					this.connections.refusal().getMessage());
		}
		String session = SessionOwner.of(servletRequest);
		attributes.put(USER, user);
		attributes.put(ADDRESS, address);
		attributes.put(OWNER,
				(session != null) ? session : "connection:" + INSTANCE + ":" + CONNECTIONS.incrementAndGet());
		return true;
	}

	/** Refuses the handshake with the reason as {@code text/plain}, counted. */
	private boolean refuse(ServerHttpResponse response, HttpStatus status, String reason, String text)
			throws IOException {
		this.rejections.reject(reason);
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
		response.getBody().write(text.getBytes(StandardCharsets.UTF_8));
		return false;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}
