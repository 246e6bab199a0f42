package io.pushlab.config;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Sizes Tomcat's per-connection buffers for thousands of mostly idle, long-lived
 * connections with small frames ({@code pushlab.connection-buffer-bytes}, 2 KiB by
 * default, instead of Tomcat's 8 KiB): the socket's read and write buffers, a servlet
 * response's buffers, which an open SSE stream holds
 * ({@link SmallBuffersHttp11NioProtocol}), and a WebSocket session's frame input and
 * output buffers (Tomcat's {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}, a
 * JVM-wide system property read once, set here before the container starts unless it is
 * set already). Larger writes still go out whole, in more system calls; the memory this
 * saves per idle connection is in {@code docs/benchmarks.md}.
 */
@Configuration(proxyBeanMethods = false)
class ConnectionBuffersConfiguration {

	static final String TOMCAT_WEBSOCKET_BUFFER = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	@Bean
	WebServerFactoryCustomizer<TomcatWebServerFactory> connectionBuffers(PushLabProperties properties) {
		String bytes = Integer.toString(properties.connectionBufferBytes());
		return (factory) -> {
			if (System.getProperty(TOMCAT_WEBSOCKET_BUFFER) == null) {
				System.setProperty(TOMCAT_WEBSOCKET_BUFFER, bytes);
			}
			factory.setProtocol(SmallBuffersHttp11NioProtocol.class.getName());
			factory.addProtocolHandlerCustomizers((protocol) -> {
				if (protocol instanceof SmallBuffersHttp11NioProtocol small) {
					small.setResponseBufferSize(properties.connectionBufferBytes());
				}
			});
			factory.addConnectorCustomizers((connector) -> {
				connector.setProperty("socket.appReadBufSize", bytes);
				connector.setProperty("socket.appWriteBufSize", bytes);
			});
		};
	}

}
