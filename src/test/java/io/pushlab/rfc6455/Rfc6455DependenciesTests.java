package io.pushlab.rfc6455;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RFC 6455 package is written by hand: it imports the JDK and a logging facade, and
 * neither Spring nor any WebSocket or JSON library.
 */
class Rfc6455DependenciesTests {

	private static final Path SOURCES = Path.of("src/main/java/io/pushlab/rfc6455");

	private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

	@Test
	void importsOnlyTheJdkAndALoggingFacade() throws IOException {
		List<Path> files;
		try (Stream<Path> list = Files.list(SOURCES)) {
			files = list.filter((path) -> path.toString().endsWith(".java")).toList();
		}
		assertThat(files).hasSizeGreaterThan(10);
		for (Path file : files) {
			Matcher imports = IMPORT.matcher(Files.readString(file));
			while (imports.find()) {
				assertThat(imports.group(1)).as(file.getFileName() + " imports")
					.matches("(java\\.|org\\.apache\\.commons\\.logging\\.).*");
			}
		}
	}

}
