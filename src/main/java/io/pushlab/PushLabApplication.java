package io.pushlab;

import io.pushlab.loadlab.LoadLab;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class PushLabApplication {

	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals("loadlab")) {
			// the load generator: a separate process, no web app
			LoadLab.main(java.util.Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		SpringApplication.run(PushLabApplication.class, args);
	}

}
