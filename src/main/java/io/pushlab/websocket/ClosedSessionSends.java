package io.pushlab.websocket;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Keeps one known Tomcat race out of the log. Tomcat sends a text frame larger than its 8
 * KiB encoder buffer in parts; when the peer vanishes between two parts, Tomcat's own
 * send thread throws "Message will not be sent because the WebSocket session has been
 * closed" and nobody catches it, so the JVM prints a stack trace per vanished client.
 * That exception (thrown from {@code org.apache.tomcat.websocket}) is logged at DEBUG in
 * one line; every other uncaught exception goes to the handler that was there before, or
 * is logged at ERROR with its stack trace.
 */
@Component
final class ClosedSessionSends implements Thread.UncaughtExceptionHandler, InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(ClosedSessionSends.class);

	private volatile Thread.UncaughtExceptionHandler previous;

	@Override
	public void afterPropertiesSet() {
		this.previous = Thread.getDefaultUncaughtExceptionHandler();
		Thread.setDefaultUncaughtExceptionHandler(this);
	}

	@Override
	public void destroy() {
		if (Thread.getDefaultUncaughtExceptionHandler() == this) {
			Thread.setDefaultUncaughtExceptionHandler(this.previous);
		}
	}

	@Override
	public void uncaughtException(Thread thread, Throwable ex) {
		if (isClosedSessionSend(ex)) {
			if (logger.isDebugEnabled()) {
				logger
					.debug(thread.getName() + ": send to a closed WebSocket session dropped (" + ex.getMessage() + ")");
			}
			return;
		}
		Thread.UncaughtExceptionHandler handler = this.previous;
		if (handler != null) {
			handler.uncaughtException(thread, ex);
		}
		else {
			logger.error("Uncaught exception in thread " + thread.getName(), ex);
		}
	}

	static boolean isClosedSessionSend(Throwable ex) {
		if (!(ex instanceof IllegalStateException)) {
			return false;
		}
		StackTraceElement[] trace = ex.getStackTrace();
		return trace.length > 0 && trace[0].getClassName().startsWith("org.apache.tomcat.websocket.");
	}

}
