package io.pushlab.rfc6455;

/** An opening handshake the server refuses; answered with 400 and this reason. */
public class HandshakeException extends Exception {

	public HandshakeException(String reason) {
		super(reason);
	}

}
