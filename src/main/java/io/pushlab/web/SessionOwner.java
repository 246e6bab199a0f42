package io.pushlab.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * Who a request comes from, as an owner of chat names: the HTTP session of its
 * {@code JSESSIONID} cookie. Behind a load balancer the session may have been made by
 * another instance (no shared sessions): the cookie still says who it is, so the
 * requested id counts even when this instance does not know it.
 */
public final class SessionOwner {

	private SessionOwner() {
	}

	/**
	 * @param request the request
	 * @return {@code "session:<id>"}, or {@code null} when the request has no session
	 * cookie
	 */
	public static String of(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		String id = (session != null) ? session.getId() : request.getRequestedSessionId();
		return (id != null) ? "session:" + id : null;
	}

}
