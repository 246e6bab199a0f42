package io.pushlab.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

import io.pushlab.config.PushLabProperties;
import io.pushlab.rfc6455.RawWebSocketServer;
import io.pushlab.stats.Rejections;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the hand-written RFC 6455 server of the lab on {@code pushlab.raw-websocket.port}
 * (0 turns it off) for as long as the application runs, on
 * {@code pushlab.raw-websocket.bind-address} (loopback by default). When the port cannot
 * be bound (another process has it) the application still starts: one warning is logged
 * and {@code /lab} shows that the raw server is off and why.
 */
@Component
public class RawWebSocketLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RawWebSocketLifecycle.class);

	private final PushLabProperties.RawWebsocket properties;

	private final JsonMapper jsonMapper;

	private volatile RawWebSocketServer server;

	private volatile String offReason;

	private final Rejections rejections;

	public RawWebSocketLifecycle(PushLabProperties properties, JsonMapper jsonMapper, Rejections rejections) {
		this.properties = properties.rawWebsocket();
		this.jsonMapper = jsonMapper;
		this.rejections = rejections;
	}

	@Override
	public synchronized void start() {
		if (this.server != null || this.properties.port() == 0) {
			return;
		}
		RawWebSocketServer server = new RawWebSocketServer(
				new RawWebSocketServer.Settings(this.properties.bindAddress(), this.properties.port(),
						this.properties.maxMessageBytes(), this.properties.maxConnections(),
						this.properties.maxHeaderBytes(), this.properties.idleTimeout(), this.properties.pongTimeout(),
						this.properties.writeTimeout()),
				(description) -> this.jsonMapper.writeValueAsString(description.toMap()), this.rejections::reject);
		try {
			server.start();
		}
		catch (IOException ex) {
			this.offReason = "cannot listen on " + this.properties.bindAddress() + ":" + this.properties.port() + ": "
					+ ex.getMessage();
			logger.warn("pushlab.raw-websocket: " + this.offReason
					+ "; the raw RFC 6455 server is off (set another port, or 0 to turn it off)");
			return;
		}
		this.offReason = null;
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
	 * @return why the raw server is off, for {@code /lab}
	 */
	public String offReason() {
		if (this.server != null) {
			return null;
		}
		String reason = this.offReason;
		return (reason != null) ? reason : "pushlab.raw-websocket.port: 0";
	}

	/**
	 * @return the address the raw server listens on
	 */
	public String bindAddress() {
		return this.properties.bindAddress();
	}

	/**
	 * @return whether only this machine can reach the raw server
	 */
	public boolean isLoopbackOnly() {
		try {
			return InetAddress.getByName(this.properties.bindAddress()).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/**
	 * @return the port the raw server listens on, or 0 when it is off
	 */
	public int port() {
		RawWebSocketServer server = this.server;
		return (server != null) ? server.port() : 0;
	}

}
