package io.pushlab.lab;

import java.io.IOException;

import io.pushlab.config.PushLabProperties;
import io.pushlab.rfc6455.RawWebSocketServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the hand-written RFC 6455 server of the lab on {@code pushlab.raw-websocket.port}
 * (0 turns it off) for as long as the application runs. Start-up fails when the port
 * cannot be bound, as it does for the HTTP port.
 */
@Component
public class RawWebSocketLifecycle implements SmartLifecycle {

	private final PushLabProperties.RawWebsocket properties;

	private final JsonMapper jsonMapper;

	private volatile RawWebSocketServer server;

	public RawWebSocketLifecycle(PushLabProperties properties, JsonMapper jsonMapper) {
		this.properties = properties.rawWebsocket();
		this.jsonMapper = jsonMapper;
	}

	@Override
	public synchronized void start() {
		if (this.server != null || this.properties.port() == 0) {
			return;
		}
		RawWebSocketServer server = new RawWebSocketServer(
				new RawWebSocketServer.Settings(this.properties.bindAddress(), this.properties.port(),
						this.properties.maxMessageBytes(), this.properties.maxConnections(),
						this.properties.maxHeaderBytes()),
				(description) -> this.jsonMapper.writeValueAsString(description.toMap()));
		try {
			server.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("pushlab.raw-websocket: cannot listen on " + this.properties.bindAddress()
					+ ":" + this.properties.port() + " (" + ex.getMessage()
					+ "); set another port, or 0 to turn it off", ex);
		}
		this.server = server;
	}

	@Override
	public synchronized void stop() {
		RawWebSocketServer server = this.server;
		if (server != null) {
			server.close();
			this.server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/**
	 * @return the port the raw server listens on, or 0 when it is off
	 */
	public int port() {
		RawWebSocketServer server = this.server;
		return (server != null) ? server.port() : 0;
	}

}
