package io.pushlab.loadlab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the HTML report labels its bars. */
class HtmlReportTests {

	@Test
	void aSmallValueKeepsTwoSignificantDigits() {
		// HTTP requests per delivered message of SSE or WebSocket: not "0.0"
		assertThat(HtmlReport.barLabel(0.0004)).isEqualTo("0.00040");
		assertThat(HtmlReport.barLabel(0.052)).isEqualTo("0.052");
		assertThat(HtmlReport.barLabel(0)).isEqualTo("0");
		assertThat(HtmlReport.barLabel(2.5)).isEqualTo("2.5");
		assertThat(HtmlReport.barLabel(1250)).isEqualTo("1,250");
	}

}
