package io.pushlab.abuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;

import io.pushlab.support.Api;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another process holds the raw server's port: the application starts anyway, serves its
 * API, and {@code /lab} says the raw server is off and why.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pushlab.warmup.enabled=false")
class RawPortClashTests {

	static final ServerSocket taken = take();

	@DynamicPropertySource
	static void rawPort(DynamicPropertyRegistry registry) {
		registry.add("pushlab.raw-websocket.port", taken::getLocalPort);
	}

	@AfterAll
	static void release() throws IOException {
		taken.close();
	}

	@LocalServerPort
	int port;

	@Test
	void theAppStartsAndTheLabPageSaysTheRawServerIsOff() {
		Api api = new Api(this.port);
		api.publish("clash", "alice", "the app is up");
		HttpResponse<String> lab = api.get("/lab");
		assertThat(lab.statusCode()).isEqualTo(200);
		assertThat(lab.body()).contains("data-raw-port=\"0\"")
			.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
	}

	private static ServerSocket take() {
		try {
			return new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
