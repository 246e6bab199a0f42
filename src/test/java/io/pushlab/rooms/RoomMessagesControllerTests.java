package io.pushlab.rooms;

import java.time.Clock;

import io.pushlab.hub.InMemoryBroker;
import io.pushlab.hub.InMemoryNameRegistry;
import io.pushlab.hub.MessageRules;
import io.pushlab.stats.Rejections;
import io.pushlab.web.ApiExceptionHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class RoomMessagesControllerTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final MockMvc mvc = MockMvcBuilders
		.standaloneSetup(new RoomMessagesController(
				new InMemoryBroker(100, this.jsonMapper::writeValueAsString, Clock.systemUTC()), new MessageRules(2000),
				this.jsonMapper, new InMemoryNameRegistry()))
		.setControllerAdvice(new ApiExceptionHandler(new Rejections(new SimpleMeterRegistry())))
		.build();

	@Test
	void publishes() throws Exception {
		this.mvc
			.perform(post("/api/rooms/lobby/messages").contentType(MediaType.APPLICATION_JSON)
				.content("{\"from\": \"小明\", \"text\": \"hi\", \"nonce\": \"n-1\"}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/rooms/lobby/messages/1"))
			.andExpect(jsonPath("$.from").value("小明"))
			.andExpect(jsonPath("$.nonce").value("n-1"));
	}

	@Test
	void refusesBodiesThatAreNotTheContractsObject() throws Exception {
		this.mvc.perform(post("/api/rooms/lobby/messages").contentType(MediaType.APPLICATION_JSON).content("[1]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("body: must be a JSON object with from and text"));
		this.mvc.perform(post("/api/rooms/lobby/messages").contentType(MediaType.APPLICATION_JSON).content("{"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(startsWith("body: must be a JSON object with from and text (")));
		this.mvc
			.perform(post("/api/rooms/lobby/messages").contentType(MediaType.APPLICATION_JSON)
				.content("{\"from\": \"bob\", \"text\": 5}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("text: must be a string"));
	}

	@Test
	void refusesBodiesOver64KiB() throws Exception {
		this.mvc
			.perform(post("/api/rooms/lobby/messages").contentType(MediaType.APPLICATION_JSON)
				.content("{\"from\": \"bob\", \"text\": \"" + "x".repeat(70_000) + "\"}"))
			.andExpect(status().isContentTooLarge())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value("body: must be at most 65536 bytes"));
	}

}
