package io.pushlab.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves {@code static/} and the WebJars in place of Spring Boot's default handlers
 * ({@code spring.web.resources.add-mappings=false}): from one location each instead of
 * four, with resolved files cached, and with {@link KnownResources} in front so that a
 * path naming no file is a 404 without a search of the class path.
 */
@Configuration(proxyBeanMethods = false)
class StaticResourcesConfiguration implements WebMvcConfigurer {

	static final String STATIC = "classpath:/static/";

	static final String WEBJARS = "classpath:/META-INF/resources/webjars/";

	@Override
	public void addResourceHandlers(ResourceHandlerRegistry registry) {
		registry.addResourceHandler("/webjars/**")
			.addResourceLocations(WEBJARS)
			.resourceChain(true)
			.addResolver(KnownResources.webJars(WEBJARS));
		registry.addResourceHandler("/**")
			.addResourceLocations(STATIC)
			.resourceChain(true)
			.addResolver(KnownResources.under(STATIC));
	}

}
