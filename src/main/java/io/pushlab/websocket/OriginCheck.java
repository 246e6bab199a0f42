package io.pushlab.websocket;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.pushlab.stats.Rejections;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;

/**
 * Refuses a chat handshake from an origin that is neither the server's own nor allowed by
 * {@code pushlab.websocket.allowed-origins}: 403 with the reason as {@code text/plain},
 * counted as {@code forbidden_origin}. The check itself is Spring's
 * {@link OriginHandshakeInterceptor}; this class only makes its refusal say why, and
 * refuses an {@code Origin} header that is not a URL at all (such as
 * {@code http://host:abc}), on which Spring's check throws and the handshake would
 * otherwise end in a 500.
 */
class OriginCheck implements HandshakeInterceptor {

	static final String REASON = "Origin: not allowed; a page may open /ws/chat from this server's own origin"
			+ " or one listed in pushlab.websocket.allowed-origins";

	private final OriginHandshakeInterceptor check = new OriginHandshakeInterceptor();

	private final Rejections rejections;

	/**
	 * @param allowedOriginPatterns further origins allowed, as Spring's origin patterns;
	 * empty for the server's own origin only
	 * @param rejections where refusals are counted
	 */
	OriginCheck(List<String> allowedOriginPatterns, Rejections rejections) {
		this.check.setAllowedOriginPatterns(allowedOriginPatterns);
		this.rejections = rejections;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) throws Exception {
		boolean allowed;
		try {
			allowed = this.check.beforeHandshake(request, response, handler, attributes);
		}
		catch (RuntimeException ex) {
			// the Origin header is not a URL (Spring's check throws InvalidUrlException)
			allowed = false;
		}
		if (!allowed) {
			this.rejections.reject("forbidden_origin");
			response.setStatusCode(HttpStatus.FORBIDDEN);
			response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
			response.getBody().write(REASON.getBytes(StandardCharsets.UTF_8));
		}
		return allowed;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}
