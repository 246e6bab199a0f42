package io.pushlab.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every HTTP answer (pages, API answers, errors, SSE streams, WebSocket handshakes)
 * the hardening headers: no MIME sniffing, framing by this origin only, and no referrer
 * sent to other origins. No script policy: the pages are all served from here.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityHeadersFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "SAMEORIGIN");
		response.setHeader("Content-Security-Policy", "frame-ancestors 'self'");
		response.setHeader("Referrer-Policy", "same-origin");
		chain.doFilter(request, response);
	}

}
