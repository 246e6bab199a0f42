package io.pushlab.web;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.pushlab.support.Api;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every page's own links, scripts and styles lead somewhere: each local {@code href} and
 * {@code src} of the seven pages answers 200, with the actuator endpoints of the app's
 * default configuration (the test profile exposes more).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=health,info")
@ActiveProfiles("test")
class PageLinksTests {

	static final List<String> PAGES = List.of("/", "/polling", "/longpolling", "/sse", "/websocket", "/compare",
			"/lab");

	private static final Pattern LOCAL = Pattern.compile("(?:href|src)=\"(/[^\"#]*)\"");

	@LocalServerPort
	int port;

	@Test
	void everyLocalLinkOfEveryPageAnswers200() {
		Api api = new Api(this.port);
		List<String> checked = new ArrayList<>();
		for (String page : PAGES) {
			HttpResponse<String> answer = api.get(page);
			assertThat(answer.statusCode()).as(page).isEqualTo(200);
			Matcher link = LOCAL.matcher(answer.body());
			while (link.find()) {
				String target = link.group(1).replace("&amp;", "&");
				if (!checked.contains(target)) {
					checked.add(target);
					assertThat(api.get(target).statusCode()).as(page + " links to " + target).isEqualTo(200);
				}
			}
		}
		assertThat(checked).as("links found").contains("/api/stats", "/compare", "/lab");
	}

}
