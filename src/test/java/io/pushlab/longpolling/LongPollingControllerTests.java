package io.pushlab.longpolling;

import java.time.Clock;
import java.util.Map;

import io.pushlab.config.PushLabProperties;
import io.pushlab.hub.Draft;
import io.pushlab.hub.InMemoryBroker;
import io.pushlab.stats.Evictions;
import io.pushlab.stats.Rejections;
import io.pushlab.stats.TechniqueStats;
import io.pushlab.web.ApiExceptionHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.MediaType;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.hamcrest.Matchers.startsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@link LongPollingController} on MockMvc, without a server: a ready answer is a plain
 * response, a request that has to wait is a {@code DeferredResult} whose answer comes in
 * the async dispatch. End to end, with real clients, is {@link LongPollingTests}.
 */
class LongPollingControllerTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final InMemoryBroker broker = new InMemoryBroker(100, this.jsonMapper::writeValueAsString,
			Clock.systemUTC());

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final TechniqueStats stats = new TechniqueStats(new SimpleMeterRegistry());

	private ClientQueues queues;

	private MockMvc mvc;

	@BeforeEach
	void setUp() {
		this.scheduler.initialize();
		PushLabProperties properties = new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate("pushlab",
				PushLabProperties.class);
		this.queues = new ClientQueues(this.broker, properties, this.scheduler, Clock.systemUTC(),
				new Evictions(new SimpleMeterRegistry()));
		this.queues.start();
		this.mvc = MockMvcBuilders
			.standaloneSetup(new LongPollingController(this.queues, this.broker, this.stats, properties))
			.setControllerAdvice(new ApiExceptionHandler(new Rejections(new SimpleMeterRegistry())))
			.build();
	}

	@AfterEach
	void tearDown() {
		this.queues.stop();
		this.queues.destroy();
		this.scheduler.shutdown();
	}

	private long openLongPolls() {
		return this.stats.snapshot().get("longpolling").get("open");
	}

	@Test
	void answersAtOnceWithoutAsyncWhenMessagesAreWaiting() throws Exception {
		this.broker.publish("lobby", new Draft("alice", "one", "n-1"));
		this.broker.publish("lobby", new Draft("bob", "two", null));
		this.mvc.perform(get("/api/rooms/lobby/longpoll").param("client", "client-1").param("after", "0"))
			.andExpect(request().asyncNotStarted())
			.andExpect(status().isOk())
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.room").value("lobby"))
			.andExpect(jsonPath("$.messages.length()").value(2))
			.andExpect(jsonPath("$.messages[0].id").value(1))
			.andExpect(jsonPath("$.messages[0].nonce").value("n-1"))
			.andExpect(jsonPath("$.messages[1].text").value("two"))
			.andExpect(jsonPath("$.last").value(2))
			.andExpect(jsonPath("$.gap").value(false));
	}

	@Test
	void parksUntilAMessageArrivesThenAnswersInTheAsyncDispatch() throws Exception {
		this.broker.publish("lobby", new Draft("alice", "before", null));
		MvcResult parked = this.mvc
			.perform(get("/api/rooms/lobby/longpoll").param("client", "client-1").param("after", "1"))
			.andExpect(request().asyncStarted())
			.andReturn();
		await().until(() -> openLongPolls() == 1);
		this.broker.publish("lobby", new Draft("bob", "after", null));
		this.mvc.perform(asyncDispatch(parked))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.messages.length()").value(1))
			.andExpect(jsonPath("$.messages[0].id").value(2))
			.andExpect(jsonPath("$.messages[0].from").value("bob"))
			.andExpect(jsonPath("$.last").value(2));
		assertThat(openLongPolls()).isZero();
	}

	@Test
	void aParkedRequestWhoseTimeoutPassesAnswers204() throws Exception {
		MvcResult parked = this.mvc
			.perform(get("/api/rooms/lobby/longpoll").param("client", "client-1").param("timeout", "100"))
			.andExpect(request().asyncStarted())
			.andReturn();
		this.mvc.perform(asyncDispatch(parked)).andExpect(status().isNoContent());
	}

	@Test
	void aNewRequestOfTheSameClientEndsItsOlderOneWith204() throws Exception {
		MvcResult older = this.mvc.perform(get("/api/rooms/lobby/longpoll").param("client", "client-1"))
			.andExpect(request().asyncStarted())
			.andReturn();
		MvcResult newer = this.mvc.perform(get("/api/rooms/lobby/longpoll").param("client", "client-1"))
			.andExpect(request().asyncStarted())
			.andReturn();
		this.mvc.perform(asyncDispatch(older)).andExpect(status().isNoContent());
		this.broker.publish("lobby", new Draft("alice", "hi", null));
		this.mvc.perform(asyncDispatch(newer))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.messages[0].text").value("hi"));
	}

	@Test
	void badParametersAreProblemsNamingTheField() throws Exception {
		this.mvc.perform(get("/api/rooms/lobby/longpoll").param("client", "client-1").param("after", "-1"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value("after: must be 0 or more"));
		this.mvc.perform(get("/api/rooms/lobby/longpoll").param("client", "client-1").param("timeout", "-5"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("timeout: must be 0 or more milliseconds"));
		this.mvc.perform(get("/api/rooms/lobby/longpoll").param("client", " "))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(startsWith("client: ")));
		assertThat(openLongPolls()).isZero();
	}

}
