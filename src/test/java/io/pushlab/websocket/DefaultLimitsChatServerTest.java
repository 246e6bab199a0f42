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
 * A real server with the default frame size limit (64 KiB), a low rate limit (5 frames a
 * second, bursts of 10) and a fast ping interval; shared by the tests that use it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pushlab.websocket.max-messages-per-second=5", "pushlab.websocket.ping-interval=300ms" })
@ActiveProfiles("test")
public @interface DefaultLimitsChatServerTest {

}
