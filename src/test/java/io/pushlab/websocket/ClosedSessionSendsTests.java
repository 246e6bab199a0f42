package io.pushlab.websocket;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only Tomcat's "session has been closed" send is recognised as the known race; any other
 * uncaught exception is left to be reported.
 */
class ClosedSessionSendsTests {

	@Test
	void recognisesOnlyAnIllegalStateThrownByTomcatsWebSocketCode() {
		assertThat(
				ClosedSessionSends
					.isClosedSessionSend(thrownBy("org.apache.tomcat.websocket.WsRemoteEndpointImplBase",
							new IllegalStateException(
									"Message will not be sent because the WebSocket session has been closed"))))
			.isTrue();
		assertThat(ClosedSessionSends
			.isClosedSessionSend(thrownBy("io.pushlab.websocket.Outbound", new IllegalStateException("a bug of ours"))))
			.isFalse();
		assertThat(ClosedSessionSends.isClosedSessionSend(thrownBy("org.apache.tomcat.websocket.WsSession",
				new IllegalArgumentException("not a closed session"))))
			.isFalse();
	}

	@Test
	void passesEveryOtherUncaughtExceptionToThePreviousHandler() {
		Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
		List<Throwable> seen = new ArrayList<>();
		Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> seen.add(ex));
		ClosedSessionSends sends = new ClosedSessionSends();
		try {
			sends.afterPropertiesSet();
			RuntimeException ours = thrownBy("io.pushlab.websocket.Outbound", new IllegalStateException("ours"));
			RuntimeException tomcats = thrownBy("org.apache.tomcat.websocket.WsRemoteEndpointImplBase",
					new IllegalStateException("closed"));
			Thread.getDefaultUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ours);
			Thread.getDefaultUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), tomcats);
			assertThat(seen).containsExactly(ours);
		}
		finally {
			sends.destroy();
			Thread.setDefaultUncaughtExceptionHandler(before);
		}
	}

	private static RuntimeException thrownBy(String className, RuntimeException ex) {
		ex.setStackTrace(new StackTraceElement[] { new StackTraceElement(className, "write", null, 1) });
		return ex;
	}

}
