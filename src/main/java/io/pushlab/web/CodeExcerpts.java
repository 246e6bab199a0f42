package io.pushlab.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server code each technique page shows, cut from the real source files the build
 * copies into the jar (classpath {@code source/}, see {@code pom.xml}). A region starts
 * at a line {@code // @excerpt <name>} and ends at the next {@code // @end}; several
 * regions of one name are shown one after the other. Loaded once; a missing file or
 * region fails at start-up, so a page can never show stale or no code. Immutable and
 * thread-safe.
 */
public final class CodeExcerpts {

	/** Excerpt name → source file on the classpath. */
	public static final Map<String, String> SOURCES = Map.of("polling",
			"source/io/pushlab/polling/ShortPollingController.java", "longpolling",
			"source/io/pushlab/longpolling/LongPollingController.java", "sse",
			"source/io/pushlab/sse/SseController.java", "websocket",
			"source/io/pushlab/websocket/ChatWebSocketHandler.java");

	private static final String START = "// @excerpt ";

	private static final String END = "// @end";

	private static final String BETWEEN = "\n\n// …\n\n";

	private final Map<String, Excerpt> excerpts;

	private CodeExcerpts(Map<String, Excerpt> excerpts) {
		this.excerpts = excerpts;
	}

	/**
	 * Loads every excerpt of {@link #SOURCES}.
	 * @param loader where the sources are
	 * @return the excerpts
	 * @throws IllegalStateException when a source or a marked region is missing
	 */
	public static CodeExcerpts load(ClassLoader loader) {
		Map<String, Excerpt> excerpts = new LinkedHashMap<>();
		SOURCES.forEach((name, path) -> {
			String source = read(loader, path);
			String code = cut(source, name);
			if (code == null) {
				throw new IllegalStateException(
						"no region '// @excerpt " + name + "' … '// @end' in " + path + ": mark it in the source");
			}
			excerpts.put(name, new Excerpt(name, path.substring(path.lastIndexOf('/') + 1), code));
		});
		return new CodeExcerpts(Map.copyOf(excerpts));
	}

	/**
	 * @param name the excerpt's name (polling, longpolling, sse, websocket)
	 * @return the excerpt
	 * @throws IllegalArgumentException for an unknown name
	 */
	public Excerpt get(String name) {
		Excerpt excerpt = this.excerpts.get(name);
		if (excerpt == null) {
			throw new IllegalArgumentException("no excerpt named " + name);
		}
		return excerpt;
	}

	/**
	 * Cuts the regions named {@code name} out of a source text, each without its common
	 * indentation.
	 * @param source the source text
	 * @param name the region name
	 * @return the regions joined, or null when there is none or one is not closed
	 */
	static String cut(String source, String name) {
		List<String> regions = new ArrayList<>();
		List<String> current = null;
		for (String line : source.split("\r?\n", -1)) {
			String trimmed = line.trim();
			if (current == null) {
				if (trimmed.equals(START + name)) {
					current = new ArrayList<>();
				}
			}
			else if (trimmed.equals(END)) {
				regions.add(dedent(current));
				current = null;
			}
			else {
				current.add(line);
			}
		}
		if (current != null || regions.isEmpty() || regions.stream().anyMatch(String::isBlank)) {
			return null;
		}
		return String.join(BETWEEN, regions);
	}

	private static String dedent(List<String> lines) {
		int indent = Integer.MAX_VALUE;
		for (String line : lines) {
			if (!line.isBlank()) {
				int tabs = 0;
				while (tabs < line.length() && line.charAt(tabs) == '\t') {
					tabs++;
				}
				indent = Math.min(indent, tabs);
			}
		}
		int cut = (indent == Integer.MAX_VALUE) ? 0 : indent;
		StringBuilder out = new StringBuilder();
		for (String line : lines) {
			String stripped = line.isBlank() ? "" : line.substring(cut);
			out.append(stripped.replace("\t", "    ")).append('\n');
		}
		return out.toString().stripTrailing();
	}

	private static String read(ClassLoader loader, String path) {
		try (InputStream in = loader.getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException(path + " is not on the classpath: the build copies it (pom.xml, "
						+ "maven-resources-plugin copy-excerpt-sources)");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One technique's server code.
	 *
	 * @param name the excerpt's name
	 * @param file the source file's name, e.g. {@code SseController.java}
	 * @param code the marked regions, unindented
	 */
	public record Excerpt(String name, String file, String code) {
	}

}
