package io.pushlab.web;

import java.io.IOException;
import java.io.InputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON object request body within a byte limit, and its fields with the
 * contract's error messages: {@code 413} over the limit (with or without
 * {@code Content-Length}), {@code 400} naming the field at fault otherwise.
 */
public final class JsonBodies {

	private JsonBodies() {
	}

	/**
	 * @param body the request body
	 * @param maxBytes the largest body accepted
	 * @param jsonMapper the mapper
	 * @param expected what the body must be, e.g.
	 * {@code "a JSON object with from and text"}
	 * @return the object
	 * @throws PayloadTooLargeException when the body is over {@code maxBytes}
	 * @throws InvalidInputException when it is not a JSON object
	 * @throws IOException when reading fails
	 */
	public static JsonNode readObject(InputStream body, int maxBytes, JsonMapper jsonMapper, String expected)
			throws IOException {
		byte[] bytes = body.readNBytes(maxBytes + 1);
		if (bytes.length > maxBytes) {
			throw new PayloadTooLargeException("body: must be at most " + maxBytes + " bytes");
		}
		JsonNode node;
		try {
			node = jsonMapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new InvalidInputException("body: must be " + expected + " (" + syntaxError(ex) + ")");
		}
		if (node == null || !node.isObject()) {
			throw new InvalidInputException("body: must be " + expected);
		}
		return node;
	}

	/**
	 * Says where and why a body is not JSON, in the client's terms: the parser's words
	 * without its source description or its Java type and feature names.
	 * @param ex the parser's exception
	 * @return e.g. {@code line 1, column 24: the JSON ends before it is complete}
	 */
	static String syntaxError(JacksonException ex) {
		String message = String.valueOf(ex.getOriginalMessage());
		String reason;
		if (message.startsWith("Unexpected end-of-input")) {
			reason = "the JSON ends before it is complete";
		}
		else if (message.startsWith("Trailing token")) {
			reason = "something follows the JSON value";
		}
		else {
			reason = message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
				.replaceAll("\\s*at \\[Source:[^\\]]*\\]", "");
		}
		TokenStreamLocation location = ex.getLocation();
		if (location != null && location.getLineNr() > 0 && location.getColumnNr() > 0) {
			return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + reason;
		}
		return reason;
	}

	/**
	 * @param node the object
	 * @param field the field
	 * @return its string value, or {@code null} when absent or null
	 * @throws InvalidInputException when it is not a string
	 */
	public static String string(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new InvalidInputException(field + ": must be a string");
		}
		return value.stringValue();
	}

	/**
	 * @param node the object
	 * @param field the field
	 * @param absent the value when the field is absent or null
	 * @return its value
	 * @throws InvalidInputException when it is not {@code true} or {@code false}
	 */
	public static boolean bool(JsonNode node, String field, boolean absent) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return absent;
		}
		if (!value.isBoolean()) {
			throw new InvalidInputException(field + ": must be true or false");
		}
		return value.booleanValue();
	}

	/**
	 * @param node the object
	 * @param field the field
	 * @param absent the value when the field is absent or null
	 * @return its value
	 * @throws InvalidInputException when it is not a whole number in {@code int} range
	 */
	public static int integer(JsonNode node, String field, int absent) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return absent;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt()) {
			throw new InvalidInputException(field + ": must be a whole number");
		}
		return value.intValue();
	}

}
