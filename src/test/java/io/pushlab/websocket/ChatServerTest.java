package io.pushlab.websocket;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.ActiveProfiles;

/**
 * A real server on a random port, shared by the chat tests that use this annotation (one
 * application context): no rate limit, so tests may send quickly; tests use their own
 * rooms and names. A name stays reserved for {@link #NAME_GRACE_SECONDS} after its owner
 * left.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.websocket.max-messages-per-second=0", "pushlab.websocket.max-message-bytes=4096",
				"pushlab.websocket.name-grace=" + ChatServerTest.NAME_GRACE_SECONDS + "s" })
@ActiveProfiles("test")
public @interface ChatServerTest {

	/** {@code pushlab.websocket.name-grace} of these tests. */
	int NAME_GRACE_SECONDS = 5;

}
