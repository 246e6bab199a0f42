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
		harden(response);
		chain.doFilter(request, response);
	}

	/**
	 * Also on the error dispatch: an error Tomcat itself forwards to {@code /error} (a
	 * {@code TRACE}) has had no request dispatch that could set them.
	 */
	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	/**
	 * Sets the hardening headers; also used by {@link ProblemErrorReportValve}, which
	 * answers outside the filter chain.
	 * @param response the response
	 */
	static void harden(HttpServletResponse response) {
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "SAMEORIGIN");
		response.setHeader("Content-Security-Policy", "frame-ancestors 'self'");
		response.setHeader("Referrer-Policy", "same-origin");
	}

}
