package io.pushlab.abuse;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import io.pushlab.support.Api;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A path that names no endpoint and no file (a scanner's flood) gets the contract's 404
 * problem+json, and costs the log nothing: no WARN or ERROR line, no stack trace. The
 * files the app ships are still served. Cost is measured in docs/benchmarks.md, not here.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class NotFoundAnswersTests {

	private static final List<String> UNKNOWN = List.of("/nope", "/api/nope", "/api/rooms/lobby/nope", "/nope.js",
			"/css/nope.css", "/js/clients/nope.js", "/webjars/nope/1.0/x.js", "/webjars/chart.js/dist/nope.js",
			"/wp-login.php", "/.env");

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void anUnknownPathOrFileIsA404ProblemNamingThePath() {
		for (String path : UNKNOWN) {
			HttpResponse<String> response = this.api.get(path);
			assertThat(response.statusCode()).as(path).isEqualTo(404);
			assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
			JsonNode problem = Api.parse(response.body());
			assertThat(problem.get("status").asInt()).as(path).isEqualTo(404);
			assertThat(problem.get("type").asString()).as(path).isEqualTo("urn:pushlab:problem:not-found");
			assertThat(problem.get("detail").asString()).as(path).startsWith("path: ");
			assertThat(problem.get("instance").asString()).as(path).isEqualTo(path);
			assertThat(problem.get("errors").get(0).get("field").asString()).as(path).isEqualTo("path");
		}
	}

	@Test
	void theFilesTheAppShipsAreStillServed() {
		assertThat(contentType("/css/pushlab.css")).startsWith("text/css");
		assertThat(contentType("/js/clients/sse.js")).startsWith("text/javascript");
		assertThat(contentType("/favicon.svg")).startsWith("image/svg+xml");
		// the pages name the WebJar without its version; the locator completes it
		assertThat(contentType("/webjars/chart.js/dist/chart.umd.min.js")).startsWith("text/javascript");
		assertThat(this.api.get("/").body()).contains("/css/pushlab.css", "/js/index.js");
	}

	@Test
	void aFloodOfUnknownPathsLeavesNoLogLine(CapturedOutput output) {
		int before = output.getAll().length();
		for (int i = 0; i < 300; i++) {
			String random = "/" + UUID.randomUUID();
			assertThat(this.api.get(UNKNOWN.get(i % UNKNOWN.size())).statusCode()).isEqualTo(404);
			assertThat(this.api.get(random).statusCode()).isEqualTo(404);
			assertThat(this.api.send(
					HttpRequest.newBuilder(this.api.uri(random)).POST(HttpRequest.BodyPublishers.ofString("x")).build())
				.statusCode()).isEqualTo(404);
		}
		// a known file with a method it does not take: 405, once logged as a WARN each
		for (int i = 0; i < 20; i++) {
			assertThat(this.api
				.send(HttpRequest.newBuilder(this.api.uri("/css/pushlab.css"))
					.POST(HttpRequest.BodyPublishers.ofString("x"))
					.build())
				.statusCode()).isEqualTo(405);
		}
		String logged = output.getAll().substring(before);
		assertThat(logged).doesNotContain(" WARN ", " ERROR ", "\tat ", "Exception");
	}

	private String contentType(String path) {
		HttpResponse<String> response = this.api.get(path);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.headers().firstValue("Content-Type").orElseThrow();
	}

}
