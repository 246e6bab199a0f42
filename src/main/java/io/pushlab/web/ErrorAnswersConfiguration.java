package io.pushlab.web;

import io.pushlab.stats.Rejections;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Puts {@link ProblemErrorReportValve} in place of the {@link ErrorReportValve} that
 * Tomcat and Spring Boot give the host, so that a request Tomcat refuses before the
 * application sees it is answered with problem+json, not an HTML page.
 */
@Configuration(proxyBeanMethods = false)
class ErrorAnswersConfiguration {

	/**
	 * Runs after Spring Boot's own customizer, which adds its {@link ErrorReportValve} to
	 * the host when the context is made.
	 * @param rejections where the refusals are counted
	 * @return the customizer
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports(Rejections rejections) {
		return (factory) -> factory.addContextCustomizers((context) -> {
			if (context.getParent() instanceof Host host) {
				for (Valve valve : host.getPipeline().getValves()) {
					if (valve instanceof ErrorReportValve) {
						host.getPipeline().removeValve(valve);
					}
				}
				host.getPipeline().addValve(new ProblemErrorReportValve(rejections));
				if (host instanceof StandardHost standard) {
					// found by this name when the host starts: no default valve is added
					standard.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
				}
			}
		});
	}

}
