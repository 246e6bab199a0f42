package io.pushlab.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Pins the server's socket send buffer to a size a real network path would give. On
 * loopback the kernel would otherwise grow it to megabytes and swallow a whole test's
 * traffic for a client that stops reading.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SmallSendBuffer {

	@Bean
	TomcatConnectorCustomizer smallSendBuffer() {
		return (connector) -> connector.setProperty("socket.txBufSize", "32768");
	}

}
