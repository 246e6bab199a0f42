package io.pushlab;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of {@code DESIGN.md}, checked on the compiled classes: the hub knows
 * no web code and no other PushLab package, the four techniques never use each other, the
 * RFC 6455 package is written without Spring, and the load lab measures the server from
 * outside.
 */
class ArchitectureTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.pushlab");
	}

	@Test
	void hubImportsNoWebCodeAndNoOtherPushLabPackage() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("io.pushlab.hub..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "jakarta.servlet..", "jakarta.websocket..",
					"org.apache.tomcat..", "org.apache.catalina..")
			.orShould()
			.dependOnClassesThat()
			.resideInAnyPackage("io.pushlab.polling..", "io.pushlab.longpolling..", "io.pushlab.sse..",
					"io.pushlab.websocket..", "io.pushlab.web..", "io.pushlab.stats..", "io.pushlab.config..",
					"io.pushlab.cluster..", "io.pushlab.rooms..", "io.pushlab.lab..", "io.pushlab.loadlab..",
					"io.pushlab.rfc6455..", "io.pushlab.technique..");
		rule.check(classes);
	}

	@Test
	void techniquesNeverImportEachOther() {
		slices().matching("io.pushlab.(polling|longpolling|sse|websocket)..")
			.should()
			.notDependOnEachOther()
			.check(classes);
	}

	@Test
	void rfc6455HasNoSpringAndNoOtherPushLabPackage() {
		noClasses().that()
			.resideInAPackage("io.pushlab.rfc6455..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "jakarta..", "tools.jackson..", "com.fasterxml..")
			.orShould()
			.dependOnClassesThat()
			.resideOutsideOfPackages("io.pushlab.rfc6455..", "java..", "org.apache.commons.logging..")
			.check(classes);
	}

	@Test
	void loadLabUsesNoServerCode() {
		noClasses().that()
			.resideInAPackage("io.pushlab.loadlab..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.pushlab.hub..", "io.pushlab.polling..", "io.pushlab.longpolling..",
					"io.pushlab.sse..", "io.pushlab.websocket..", "io.pushlab.stats..", "io.pushlab.web..",
					"io.pushlab.cluster..", "io.pushlab.config..")
			.check(classes);
	}

}
