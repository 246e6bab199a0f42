package io.pushlab.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code codeExcerpts} bean the technique pages read
 * ({@code ${@codeExcerpts.get('sse')}}); loading it fails start-up when a region is
 * missing.
 */
@Configuration(proxyBeanMethods = false)
class CodeExcerptsConfiguration {

	@Bean
	CodeExcerpts codeExcerpts() {
		return CodeExcerpts.load(CodeExcerpts.class.getClassLoader());
	}

}
