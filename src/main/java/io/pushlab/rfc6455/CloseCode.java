package io.pushlab.rfc6455;

/** Close status codes, RFC 6455 §7.4.1, and which may appear in a close frame. */
public final class CloseCode {

	/** 1000: normal closure. */
	public static final int NORMAL = 1000;

	/** 1001: the endpoint is going away (server shutting down). */
	public static final int GOING_AWAY = 1001;

	/** 1002: protocol error. */
	public static final int PROTOCOL_ERROR = 1002;

	/** 1007: data inconsistent with the message type (invalid UTF-8 in text). */
	public static final int INVALID_PAYLOAD = 1007;

	/** 1009: a message too big to process. */
	public static final int MESSAGE_TOO_BIG = 1009;

	/** 1011: the server met an unexpected condition. */
	public static final int INTERNAL_ERROR = 1011;

	private CloseCode() {
	}

	/**
	 * §7.4: codes an endpoint may put in a close frame. 1004, 1005, 1006 and 1015 are
	 * reserved and never sent; 1012-1014 are registered in the IANA registry (§11.7);
	 * 3000-4999 belong to libraries and applications.
	 * @param code a status code read from a close frame
	 * @return whether a close frame may carry it
	 */
	public static boolean isAllowedOnWire(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

}
