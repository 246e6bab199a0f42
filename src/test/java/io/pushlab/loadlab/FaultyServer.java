package io.pushlab.loadlab;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A deliberately bad PushLab for the load lab's own tests, on the JDK's little HTTP
 * server: publishing works, but short polling never returns messages whose id is a
 * multiple of four, and the event stream sends every message twice, 300 ms late. It has
 * no actuator.
 */
final class FaultyServer implements AutoCloseable {

	static final long SSE_DELAY_MILLIS = 300;

	private static final Pattern NONCE = Pattern.compile("\"nonce\":\"([^\"]*)\"");

	private final HttpServer server;

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

	private final List<String> messages = new CopyOnWriteArrayList<>();

	private final List<OutputStream> streams = new CopyOnWriteArrayList<>();

	private final AtomicLong ids = new AtomicLong();

	FaultyServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/api/rooms/", this::handle);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		if (exchange.getRequestMethod().equals("POST") && path.endsWith("/messages")) {
			publish(exchange);
		}
		else if (path.endsWith("/messages")) {
			poll(exchange);
		}
		else if (path.endsWith("/events")) {
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			this.streams.add(exchange.getResponseBody());
		}
		else {
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
		}
	}

	private void publish(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		Matcher nonce = NONCE.matcher(body);
		long id;
		String json;
		synchronized (this) {
			id = this.ids.incrementAndGet();
			json = "{\"id\":" + id + ",\"room\":\"r\",\"from\":\"loadlab\",\"text\":\"x\",\"nonce\":\""
					+ (nonce.find() ? nonce.group(1) : "") + "\",\"sentAt\":0}";
			this.messages.add(json);
		}
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(201, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
		byte[] event = ("id: " + id + "\nevent: message\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
		this.timer.schedule(() -> {
			for (OutputStream stream : this.streams) {
				try {
					stream.write(event);
					stream.write(event);
					stream.flush();
				}
				catch (IOException ex) {
					this.streams.remove(stream);
				}
			}
		}, SSE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
	}

	private void poll(HttpExchange exchange) throws IOException {
		String query = exchange.getRequestURI().getQuery();
		Matcher after = Pattern.compile("after=(\\d+)").matcher((query != null) ? query : "");
		long cursor = after.find() ? Long.parseLong(after.group(1)) : 0;
		StringBuilder json = new StringBuilder("{\"room\":\"r\",\"messages\":[");
		long last = 0;
		for (String message : this.messages) {
			long id = Long.parseLong(message.substring(6, message.indexOf(',')));
			last = id;
			if (id > cursor && id % 4 != 0) {
				json.append(message).append(',');
			}
		}
		if (json.charAt(json.length() - 1) == ',') {
			json.setLength(json.length() - 1);
		}
		json.append("],\"last\":").append(last).append(",\"gap\":false}");
		byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(200, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
		this.server.stop(0);
	}

}
