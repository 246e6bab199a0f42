/**
 * Faithful ports of the classic WebSocket tutorial's buggy frame code, kept only to show
 * on {@code /lab} what goes wrong, next to what this package's real codec does with the
 * same bytes. Nothing here is used to serve a connection.
 */
package io.pushlab.rfc6455.tutorial;
