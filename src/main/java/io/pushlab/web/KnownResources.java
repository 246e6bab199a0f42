package io.pushlab.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.web.servlet.resource.ResourceResolver;
import org.springframework.web.servlet.resource.ResourceResolverChain;

/**
 * Refuses, without touching the class path, every static path that names no file the app
 * ships: the files are listed once at start-up. A miss then costs a set lookup instead of
 * a search through the jar, so a flood of requests for paths that do not exist costs
 * about what a good request does. Immutable and thread-safe.
 */
final class KnownResources implements ResourceResolver {

	private final Set<String> paths;

	private KnownResources(Set<String> paths) {
		this.paths = Set.copyOf(paths);
	}

	/**
	 * @param location a class path folder, e.g. {@code classpath:/static/}
	 * @return a resolver that knows every file under it, by its path relative to it
	 */
	static KnownResources under(String location) {
		return new KnownResources(list(location));
	}

	/**
	 * @param location the WebJars folder, {@code classpath:/META-INF/resources/webjars/}
	 * @return a resolver that knows every WebJar file under
	 * {@code {name}/{version}/{path}} and under {@code {name}/{path}} (the version-less
	 * path that the WebJars locator completes)
	 */
	static KnownResources webJars(String location) {
		Set<String> paths = new HashSet<>();
		for (String path : list(location)) {
			paths.add(path);
			int name = path.indexOf('/');
			int version = (name > 0) ? path.indexOf('/', name + 1) : -1;
			if (version > 0) {
				paths.add(path.substring(0, name + 1) + path.substring(version + 1));
			}
		}
		return new KnownResources(paths);
	}

	private static Set<String> list(String location) {
		String root = location.endsWith("/") ? location : location + "/";
		String prefix = root.substring(root.indexOf(':') + 1);
		ResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
				KnownResources.class.getClassLoader());
		Set<String> paths = new HashSet<>();
		try {
			for (Resource resource : resolver.getResources("classpath*:" + prefix + "**")) {
				String url = resource.getURL().toString();
				int at = url.lastIndexOf(prefix);
				if (at >= 0 && !url.endsWith("/")) {
					paths.add(url.substring(at + prefix.length()));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list " + location, ex);
		}
		return paths;
	}

	boolean knows(String path) {
		return this.paths.contains(path);
	}

	int size() {
		return this.paths.size();
	}

	@Override
	public Resource resolveResource(HttpServletRequest request, String requestPath, List<? extends Resource> locations,
			ResourceResolverChain chain) {
		return knows(requestPath) ? chain.resolveResource(request, requestPath, locations) : null;
	}

	@Override
	public String resolveUrlPath(String resourcePath, List<? extends Resource> locations, ResourceResolverChain chain) {
		return knows(resourcePath) ? chain.resolveUrlPath(resourcePath, locations) : null;
	}

}
