package io.pushlab.websocket;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushlab.config.PushLabProperties;
import io.pushlab.stats.Rejections;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Maps the chat handler to {@code /ws/chat} behind the handshake interceptor and the
 * {@code pushlab.websocket.allowed-origins} check (same origin when empty), and keeps the
 * container's message buffers small ({@link #CONTAINER_BUFFER_SIZE}): the handler takes
 * messages in parts and closes one over {@code max-message-bytes} with 1009. Connections
 * write without blocking (each through its own {@link Outbound}); only control frames
 * (pings, close frames) may wait, briefly, on the two threads of the control executor.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfiguration implements WebSocketConfigurer {

	/**
	 * The container's message buffers per connection (chars for text, bytes for binary):
	 * a chat frame usually fits, a larger one is handed over in parts.
	 */
	static final int CONTAINER_BUFFER_SIZE = 2048;

	/** The name of the executor that sends pings and closes connections. */
	static final String CONTROL_EXECUTOR = "websocketControlExecutor";

	/** The name of the executor where idle connections' writes of chat frames start. */
	static final String WRITE_EXECUTOR = "websocketWriteExecutor";

	private final ChatWebSocketHandler handler;

	private final ChatHandshakeInterceptor interceptor;

	private final PushLabProperties.Websocket settings;

	private final Rejections rejections;

	public WebSocketConfiguration(ChatWebSocketHandler handler, ChatHandshakeInterceptor interceptor,
			PushLabProperties properties, Rejections rejections) {
		this.handler = handler;
		this.interceptor = interceptor;
		this.settings = properties.websocket();
		this.rejections = rejections;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		// OriginCheck refuses with a reason what Spring's own origin check, which the
		// registration adds last with the same origins, would refuse silently
		registry.addHandler(this.handler, "/ws/chat")
			.addInterceptors(this.interceptor, new OriginCheck(this.settings.allowedOrigins(), this.rejections))
			.setAllowedOriginPatterns(this.settings.allowedOrigins().toArray(String[]::new));
	}

	/**
	 * Sends pings and closes connections: the only WebSocket writes that may block, each
	 * for at most {@link ContainerSink#CONTROL_SEND_TIMEOUT} (Tomcat's 50 ms for a close
	 * other than 1000), on two threads that never carry messages.
	 * @return the executor
	 */
	@Bean(name = CONTROL_EXECUTOR, destroyMethod = "shutdown")
	static ExecutorService websocketControlExecutor() {
		return daemonThreads(2, "pushlab-ws-control-");
	}

	/**
	 * Where an idle connection's write of a chat frame starts, so that a publish's
	 * fan-out only queues (see {@link RoomMembership}). These writes never block, so a
	 * thread per core is enough. The pool is WebSocket's own: on the delivery pool, which
	 * SSE streams share, a write to an SSE client that stopped reading holds a thread
	 * until its bound, and 32 such streams held WebSocket members' messages for over a
	 * second ({@code StuckSseStreamsTests}).
	 * @return the executor
	 */
	@Bean(name = WRITE_EXECUTOR, destroyMethod = "shutdown")
	static ExecutorService websocketWriteExecutor() {
		return daemonThreads(Math.max(2, Runtime.getRuntime().availableProcessors()), "pushlab-ws-write-");
	}

	/** A fixed number of daemon threads that end after 30 s without work. */
	private static ExecutorService daemonThreads(int threads, String prefix) {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (runnable) -> {
					Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	@Bean
	ServletServerContainerFactoryBean webSocketContainer(PushLabProperties properties) {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		// the handler takes messages in parts and enforces max-message-bytes itself
		// (1009):
		// the container allocates these buffers for every connection at its handshake
		container.setMaxTextMessageBufferSize(CONTAINER_BUFFER_SIZE);
		container.setMaxBinaryMessageBufferSize(CONTAINER_BUFFER_SIZE);
		return container;
	}

}
