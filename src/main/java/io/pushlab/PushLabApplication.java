package io.pushlab;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class PushLabApplication {

	public static void main(String[] args) {
		SpringApplication.run(PushLabApplication.class, args);
	}

}
