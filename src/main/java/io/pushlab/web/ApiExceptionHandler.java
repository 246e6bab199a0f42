package io.pushlab.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pushlab.hub.BrokerUnavailableException;
import io.pushlab.hub.RoomLimitException;
import io.pushlab.stats.Rejections;
import org.apache.tomcat.util.http.InvalidParameterException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every API error as RFC 9457 {@code application/problem+json}: {@code type},
 * {@code title}, {@code status}, {@code detail} naming the field at fault, and
 * {@code errors} listing every field. Every refusal (400, 409, 413, 415, 429) is counted
 * in {@code pushlab.rejected{reason}}.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiExceptionHandler {

	/** The {@code detail} of a 404 for a path that names no endpoint and no file. */
	static final String NO_SUCH_PATH = "path: names no endpoint and no file (the problem's instance is the path)";

	/**
	 * The {@code detail} for a query string that Tomcat cannot decode; the chat
	 * handshake, which reads its parameter outside any controller, answers the same
	 * words.
	 */
	public static final String UNDECODABLE_QUERY = "query: could not be decoded (each % must be followed by two hex"
			+ " digits, the escapes must decode as UTF-8, and a % itself is sent as %25)";

	private final Rejections rejections;

	public ApiExceptionHandler(Rejections rejections) {
		this.rejections = rejections;
	}

	@ExceptionHandler(InvalidInputException.class)
	ResponseEntity<ProblemDetail> invalid(InvalidInputException ex) {
		this.rejections.reject("invalid_input");
		return problem(HttpStatus.BAD_REQUEST, ex.errors());
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException ex) {
		this.rejections.reject("invalid_input");
		return problem(HttpStatus.BAD_REQUEST, List.of(ex.getName() + ": must be a whole number"));
	}

	@ExceptionHandler(MissingServletRequestParameterException.class)
	ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException ex) {
		this.rejections.reject("invalid_input");
		return problem(HttpStatus.BAD_REQUEST, List.of(ex.getParameterName() + ": is required"));
	}

	/**
	 * A query string that Tomcat cannot take apart: a {@code %} not followed by two hex
	 * digits, escapes that do not decode as UTF-8, or more parameters than the connector
	 * accepts. Tomcat throws this when an endpoint first reads a parameter; it is the
	 * client's fault, so it is answered and counted like the requests Tomcat refuses
	 * itself ({@code malformed_request}), not logged as a server error.
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<ProblemDetail> malformedQuery(InvalidParameterException ex) {
		this.rejections.reject("malformed_request");
		String message = String.valueOf(ex.getMessage());
		String detail = message.contains("maximum number") ? "query: has more parameters than the server accepts"
				: UNDECODABLE_QUERY;
		return problem(HttpStatus.BAD_REQUEST, List.of(detail));
	}

	@ExceptionHandler(PayloadTooLargeException.class)
	ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException ex) {
		this.rejections.reject("content_too_large");
		return problem(HttpStatus.CONTENT_TOO_LARGE, List.of(ex.getMessage()));
	}

	/**
	 * Publishing and the lab API take {@code application/json} only, so a cross-site
	 * {@code <form enctype="text/plain">} (sent without a CORS preflight) cannot post.
	 */
	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException ex) {
		this.rejections.reject("unsupported_media_type");
		String sent = (ex.getContentType() != null) ? ex.getContentType().toString() : "none";
		return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
				List.of("Content-Type: must be application/json (was " + sent + ")"));
	}

	/**
	 * A method the path does not serve: 405 with {@code Allow}, as a problem of ours
	 * (with its {@code type}) rather than Spring's default one.
	 */
	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	ResponseEntity<ProblemDetail> methodNotAllowed(HttpRequestMethodNotSupportedException ex) {
		String allowed = (ex.getSupportedMethods() != null) ? String.join(", ", ex.getSupportedMethods()) : "none";
		return withHeaders(
				problem(HttpStatus.METHOD_NOT_ALLOWED,
						List.of("method: " + ex.getMethod() + " is not allowed here (allowed: " + allowed + ")")),
				ex.getHeaders());
	}

	/**
	 * An {@code Accept} header that rules out every answer the endpoint can give: 406.
	 */
	@ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
	ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException ex) {
		return withHeaders(
				problem(HttpStatus.NOT_ACCEPTABLE,
						List.of("Accept: must allow " + MediaType.toString(ex.getSupportedMediaTypes()))),
				ex.getHeaders());
	}

	private static ResponseEntity<ProblemDetail> withHeaders(ResponseEntity<ProblemDetail> response,
			HttpHeaders headers) {
		return ResponseEntity.status(response.getStatusCode())
			.headers(response.getHeaders())
			.headers(headers)
			.body(response.getBody());
	}

	@ExceptionHandler(TooManyRequestsException.class)
	ResponseEntity<ProblemDetail> tooMany(TooManyRequestsException ex) {
		this.rejections.reject(ex.reason());
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.TOO_MANY_REQUESTS, List.of(ex.getMessage()));
		return ResponseEntity.status(response.getStatusCode())
			.headers(response.getHeaders())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()))
			.body(response.getBody());
	}

	@ExceptionHandler(ConflictException.class)
	ResponseEntity<ProblemDetail> conflict(ConflictException ex) {
		this.rejections.reject(ex.reason());
		return problem(HttpStatus.CONFLICT, List.of(ex.getMessage()));
	}

	/**
	 * The hub holds {@code pushlab.rooms.max} rooms, or the client's address its share of
	 * them: a new one is refused like any other bound.
	 */
	@ExceptionHandler(RoomLimitException.class)
	ResponseEntity<ProblemDetail> roomLimit(RoomLimitException ex) {
		return tooMany(new TooManyRequestsException(ex.reason(), ex.getMessage(), ex.retryAfterSeconds()));
	}

	@ExceptionHandler(NotFoundException.class)
	ResponseEntity<ProblemDetail> notFound(NotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, List.of(ex.getMessage()));
	}

	/**
	 * A path that names neither an endpoint nor a file: the same 404 problem as any other
	 * ({@code instance} is the path), answered here without a log line and without the
	 * {@code /error} dispatch.
	 */
	@ExceptionHandler({ NoResourceFoundException.class, NoHandlerFoundException.class })
	ResponseEntity<ProblemDetail> noSuchPath() {
		return problem(HttpStatus.NOT_FOUND, List.of(NO_SUCH_PATH));
	}

	@ExceptionHandler(ServiceUnavailableException.class)
	ResponseEntity<ProblemDetail> unavailable(ServiceUnavailableException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, List.of(ex.getMessage()));
	}

	@ExceptionHandler(BrokerUnavailableException.class)
	ResponseEntity<ProblemDetail> unavailable(BrokerUnavailableException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, List.of("broker: " + ex.getMessage()));
	}

	/**
	 * Builds a problem response.
	 * @param status the status
	 * @param errors {@code "field: message"} entries; the first becomes the detail
	 * @return the response
	 */
	public static ResponseEntity<ProblemDetail> problem(HttpStatus status, List<String> errors) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, errors.get(0));
		problem.setType(URI.create("urn:pushlab:problem:" + status.name().toLowerCase(Locale.ROOT).replace('_', '-')));
		if (errors.size() > 0 && errors.get(0).contains(": ")) {
			List<Map<String, String>> list = new ArrayList<>();
			for (String error : errors) {
				int colon = error.indexOf(": ");
				Map<String, String> entry = new LinkedHashMap<>();
				entry.put("field", (colon > 0) ? error.substring(0, colon) : "");
				entry.put("message", (colon > 0) ? error.substring(colon + 2) : error);
				list.add(entry);
			}
			problem.setProperty("errors", list);
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
