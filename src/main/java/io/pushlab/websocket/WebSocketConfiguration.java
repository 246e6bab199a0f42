package io.pushlab.websocket;

import io.pushlab.config.PushLabProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Maps the chat handler to {@code /ws/chat} behind the handshake interceptor and the
 * {@code pushlab.websocket.allowed-origins} check (same origin when empty), and sizes the
 * container's message buffers to {@code max-message-bytes}, so a larger message is closed
 * with 1009 by the container itself.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfiguration implements WebSocketConfigurer {

	private final ChatWebSocketHandler handler;

	private final ChatHandshakeInterceptor interceptor;

	private final PushLabProperties.Websocket settings;

	public WebSocketConfiguration(ChatWebSocketHandler handler, ChatHandshakeInterceptor interceptor,
			PushLabProperties properties) {
		this.handler = handler;
		this.interceptor = interceptor;
		this.settings = properties.websocket();
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, "/ws/chat")
			.addInterceptors(this.interceptor)
			.setAllowedOriginPatterns(this.settings.allowedOrigins().toArray(String[]::new));
	}

	@Bean
	ServletServerContainerFactoryBean webSocketContainer(PushLabProperties properties) {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(properties.websocket().maxMessageBytes());
		container.setMaxBinaryMessageBufferSize(properties.websocket().maxMessageBytes());
		return container;
	}

}
