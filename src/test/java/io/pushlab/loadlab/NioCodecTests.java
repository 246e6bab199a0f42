package io.pushlab.loadlab;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The NIO clients' parsers, fed byte by byte and in one piece: the HTTP response reader,
 * the SSE event parser and the RFC 6455 frame codec.
 */
class NioCodecTests {

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** Records what an HTTP reader reports. */
	static final class Http implements HttpResponseReader.Listener {

		final ByteArrayOutputStream body = new ByteArrayOutputStream();

		int headers;

		int completes;

		@Override
		public void headers(HttpResponseReader response) {
			this.headers++;
		}

		@Override
		public void body(byte[] bytes, int offset, int length) {
			this.body.write(bytes, offset, length);
		}

		@Override
		public void complete(HttpResponseReader response) {
			this.completes++;
		}

	}

	@Test
	void httpReaderReadsAChunkedBodySplitAnywhere() {
		byte[] wire = ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
				+ "5;ext=1\r\nhello\r\nB\r\n, world! :)\r\n0\r\nX-Trailer: y\r\n\r\n");
		for (int step : new int[] { 1, 3, wire.length }) {
			Http listener = new Http();
			HttpResponseReader reader = new HttpResponseReader(listener);
			int used = 0;
			for (int i = 0; i < wire.length; i += step) {
				used += reader.feed(wire, i, Math.min(step, wire.length - i));
			}
			assertThat(used).isEqualTo(wire.length);
			assertThat(reader.status()).isEqualTo(200);
			assertThat(reader.chunked()).isTrue();
			assertThat(reader.closes()).isFalse();
			assertThat(listener.body.toString(StandardCharsets.UTF_8)).isEqualTo("hello, world! :)");
			assertThat(listener.headers).isOne();
			assertThat(listener.completes).isOne();
		}
	}

	@Test
	void httpReaderStopsAtTheEndOfAResponseAndKnowsKeepAliveFromClose() {
		byte[] wire = ascii("HTTP/1.1 200 OK\r\ncontent-length: 3\r\nConnection: close\r\n\r\nabcEXTRA");
		Http listener = new Http();
		HttpResponseReader reader = new HttpResponseReader(listener);
		assertThat(reader.feed(wire, 0, wire.length)).isEqualTo(wire.length - 5);
		assertThat(listener.body.toString(StandardCharsets.UTF_8)).isEqualTo("abc");
		assertThat(reader.closes()).isTrue();
		assertThat(reader.isComplete()).isTrue();

		reader.reset();
		byte[] noContent = ascii("HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n");
		assertThat(reader.feed(noContent, 0, noContent.length)).isEqualTo(noContent.length);
		assertThat(reader.status()).isEqualTo(204);
		assertThat(reader.isComplete()).isTrue();
		assertThat(listener.completes).isEqualTo(2);
	}

	@Test
	void httpReaderHandsTheBytesAfterA101ToTheCaller() {
		String key = "dGhlIHNhbXBsZSBub25jZQ==";
		byte[] wire = ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\nframe");
		HttpResponseReader reader = new HttpResponseReader(new Http());
		int used = reader.feed(wire, 0, wire.length);
		assertThat(new String(wire, used, wire.length - used, StandardCharsets.UTF_8)).isEqualTo("frame");
		assertThat(reader.upgrade()).isEqualTo("websocket");
		assertThat(reader.webSocketAccept()).isEqualTo(WsCodec.accept(key));
	}

	@Test
	void httpReaderRejectsWhatIsNotHttp() {
		byte[] wire = ascii("SSH-2.0-OpenSSH\r\n\r\n");
		HttpResponseReader reader = new HttpResponseReader(new Http());
		assertThatThrownBy(() -> reader.feed(wire, 0, wire.length))
			.isInstanceOf(HttpResponseReader.MalformedResponseException.class);
	}

	@Test
	void sseParserDispatchesEventsJoinsDataAndSkipsComments() {
		List<String> events = new ArrayList<>();
		int[] comments = new int[1];
		SseParser parser = new SseParser(new SseParser.Listener() {
			@Override
			public void event(String type, byte[] data, int length) {
				events.add(type + "|" + new String(data, 0, length, StandardCharsets.UTF_8));
			}

			@Override
			public void comment() {
				comments[0]++;
			}
		});
		byte[] wire = ascii("retry: 3000\n\n: keep-alive\n\nid:5\nevent:message\ndata:{\"id\":5}\n\n"
				+ "id: 6\r\nevent: other\r\ndata: a\r\ndata: b\r\n\r\ndata\rdata: é\r\rid: 7\n");
		for (byte b : wire) {
			parser.feed(new byte[] { b }, 0, 1);
		}
		assertThat(events).containsExactly("message|{\"id\":5}", "other|a\nb", "message|\né");
		assertThat(comments[0]).isOne();
		assertThat(parser.retry()).isEqualTo(3000);
		assertThat(parser.lastEventId()).isEqualTo("7");
	}

	@Test
	void webSocketClientFramesAreMaskedAndDecodeToTheirPayload() {
		for (int size : new int[] { 0, 5, 125, 126, 65535, 65536 }) {
			byte[] payload = new byte[size];
			for (int i = 0; i < size; i++) {
				payload[i] = (byte) ('a' + i % 26);
			}
			byte[] frame = WsCodec.clientFrame(WsCodec.TEXT, payload, 0x12345678);
			assertThat(frame[0] & 0xFF).isEqualTo(0x81);
			assertThat(frame[1] & 0x80).as("mask bit").isEqualTo(0x80);
			List<byte[]> got = new ArrayList<>();
			WsCodec.Decoder server = new WsCodec.Decoder(new Frames(got), true, 1 << 20);
			for (int i = 0; i < frame.length; i += 1000) {
				server.feed(frame, i, Math.min(1000, frame.length - i));
			}
			assertThat(got).singleElement().isEqualTo(payload);
		}
	}

	@Test
	void webSocketDecoderJoinsFragmentsAnswersControlFramesAndRejectsMaskedServerFrames() {
		List<byte[]> got = new ArrayList<>();
		Frames frames = new Frames(got);
		WsCodec.Decoder client = new WsCodec.Decoder(frames, false, 1 << 20);
		byte[] first = WsCodec.frame(WsCodec.TEXT, ascii("hel"), false, 0);
		first[0] &= 0x7F; // not final
		byte[] ping = WsCodec.frame(WsCodec.PING, ascii("p"), false, 0);
		byte[] last = WsCodec.frame(WsCodec.CONTINUATION, ascii("lo"), false, 0);
		byte[] close = WsCodec.frame(WsCodec.CLOSE, WsCodec.closePayload(1008, "slow"), false, 0);
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		wire.writeBytes(first);
		wire.writeBytes(ping);
		wire.writeBytes(last);
		wire.writeBytes(close);
		byte[] bytes = wire.toByteArray();
		for (byte b : bytes) {
			client.feed(new byte[] { b }, 0, 1);
		}
		assertThat(got).hasSize(1);
		assertThat(new String(got.get(0), StandardCharsets.UTF_8)).isEqualTo("hello");
		assertThat(frames.pings).isOne();
		assertThat(frames.closed).isEqualTo("1008 slow");

		byte[] masked = WsCodec.clientFrame(WsCodec.TEXT, ascii("x"), 1);
		assertThatThrownBy(() -> new WsCodec.Decoder(frames, false, 100).feed(masked, 0, masked.length))
			.isInstanceOf(WsCodec.ProtocolException.class);
		byte[] big = WsCodec.frame(WsCodec.TEXT, new byte[200], false, 0);
		assertThatThrownBy(() -> new WsCodec.Decoder(frames, false, 100).feed(big, 0, big.length))
			.isInstanceOfSatisfying(WsCodec.ProtocolException.class, (ex) -> assertThat(ex.closeCode).isEqualTo(1009));
	}

	@Test
	void webSocketAcceptIsTheRfcExample() {
		assertThat(WsCodec.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	}

	static final class Frames implements WsCodec.Listener {

		final List<byte[]> texts;

		int pings;

		String closed;

		Frames(List<byte[]> texts) {
			this.texts = texts;
		}

		@Override
		public void text(byte[] bytes, int offset, int length) {
			this.texts.add(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
		}

		@Override
		public void ping(byte[] payload) {
			this.pings++;
		}

		@Override
		public void close(int code, String reason) {
			this.closed = code + " " + reason;
		}

	}

}
