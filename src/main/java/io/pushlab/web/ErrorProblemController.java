package io.pushlab.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The {@code /error} path Tomcat forwards errors to, in place of Spring Boot's
 * {@code BasicErrorController}: a forwarded error is a problem+json with its status and
 * no exception text; a request for {@code /error} itself is the 404 of any path that
 * names nothing.
 */
@Controller
class ErrorProblemController implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		if (request.getDispatcherType() != DispatcherType.ERROR
				|| !(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code)) {
			throw new NotFoundException(ApiExceptionHandler.NO_SUCH_PATH);
		}
		HttpStatus status = HttpStatus.resolve(code);
		if (status == null || status.value() < 400) {
			status = HttpStatus.INTERNAL_SERVER_ERROR;
		}
		String detail = switch (status) {
			case BAD_REQUEST -> "request: is malformed";
			case NOT_FOUND -> ApiExceptionHandler.NO_SUCH_PATH;
			// the error dispatch is a GET: the method sent is no longer known here
			case METHOD_NOT_ALLOWED -> "method: is not allowed here (Allow lists those that are)";
			case REQUEST_TIMEOUT -> "request: did not arrive in time";
			case INTERNAL_SERVER_ERROR -> "server: the request failed on the server (the fault is logged)";
			default -> "request: " + status.getReasonPhrase().toLowerCase(Locale.ROOT);
		};
		ResponseEntity<ProblemDetail> answer = ApiExceptionHandler.problem(status, List.of(detail));
		if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String path) {
			try {
				answer.getBody().setInstance(new URI(path));
			}
			catch (URISyntaxException ex) {
				// not a URI as sent: the problem names no instance
			}
		}
		return answer;
	}

}
