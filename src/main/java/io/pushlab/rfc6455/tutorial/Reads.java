package io.pushlab.rfc6455.tutorial;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.pushlab.rfc6455.FailConnectionException;
import io.pushlab.rfc6455.Frame;
import io.pushlab.rfc6455.FrameDecoder;
import io.pushlab.rfc6455.FrameDescription;
import io.pushlab.rfc6455.MessageAssembler;
import io.pushlab.rfc6455.Opcode;

/**
 * The same reads from a socket, given to the tutorial's decoder (one read, one message)
 * and to PushLab's ({@link FrameDecoder} for frames that arrive in pieces, then
 * {@link MessageAssembler} for fragmented messages, RFC 6455 §5.2 and §5.4). Stateless:
 * each call is one connection.
 */
public final class Reads {

	/**
	 * A message PushLab completed.
	 *
	 * @param opcode its first frame's opcode: text or binary
	 * @param text its text, {@code null} for binary
	 * @param length its payload length, all fragments together
	 * @param fragments how many frames carried it
	 */
	public record Message(int opcode, String text, int length, int fragments) {
	}

	/**
	 * How PushLab's decoder failed the connection.
	 *
	 * @param closeCode the close code it would send
	 * @param reason why
	 */
	public record Failure(int closeCode, String reason) {
	}

	/**
	 * What PushLab made of one read.
	 *
	 * @param frames the frames this read completed, control frames included
	 * @param messages the messages this read completed
	 * @param waiting what PushLab still waits for after this read: the rest of a frame or
	 * more fragments of a message; {@code null} when nothing
	 * @param failure set when the bytes broke the protocol: the connection is failed and
	 * later reads are not looked at
	 */
	public record Pushlab(List<FrameDescription> frames, List<Message> messages, String waiting, Failure failure) {
	}

	/**
	 * One read, as each decoder took it.
	 *
	 * @param hex the read's bytes
	 * @param tutorial what the tutorial's code made of it
	 * @param pushlab what PushLab's made of it
	 */
	public record Outcome(String hex, TutorialDecoder.Result tutorial, Pushlab pushlab) {
	}

	private Reads() {
	}

	/**
	 * @param reads the bytes of each {@code recv}, in order
	 * @param maxMessageBytes the largest message PushLab assembles (1009 beyond)
	 * @return one outcome per read
	 */
	public static List<Outcome> compare(List<byte[]> reads, int maxMessageBytes) {
		FrameDecoder decoder = new FrameDecoder();
		MessageAssembler assembler = new MessageAssembler(maxMessageBytes);
		List<Outcome> outcomes = new ArrayList<>();
		Failure failed = null;
		for (int i = 0; i < reads.size(); i++) {
			byte[] read = reads.get(i);
			Pushlab pushlab;
			if (failed != null) {
				pushlab = new Pushlab(List.of(), List.of(), null, failed);
			}
			else {
				pushlab = take(decoder, assembler, read);
				if (pushlab.failure() != null) {
					failed = new Failure(pushlab.failure().closeCode(),
							"the connection was failed at read " + (i + 1) + ": " + pushlab.failure().reason());
				}
			}
			outcomes.add(new Outcome(HexFormat.of().formatHex(read), TutorialDecoder.decode(read), pushlab));
		}
		return outcomes;
	}

	private static Pushlab take(FrameDecoder decoder, MessageAssembler assembler, byte[] read) {
		List<FrameDescription> frames = new ArrayList<>();
		List<Message> messages = new ArrayList<>();
		try {
			decoder.append(read, 0, read.length);
			Frame frame;
			while ((frame = decoder.next()) != null) {
				frames.add(FrameDescription.of(frame));
				if (!Opcode.isControl(frame.opcode())) {
					MessageAssembler.Message message = assembler.accept(frame);
					if (message != null) {
						messages.add(new Message(message.first().opcode(), message.text(), message.length(),
								message.fragments()));
					}
				}
			}
		}
		catch (FailConnectionException ex) {
			return new Pushlab(frames, messages, null, new Failure(ex.closeCode(), ex.getMessage()));
		}
		return new Pushlab(frames, messages, waiting(decoder, assembler), null);
	}

	private static String waiting(FrameDecoder decoder, MessageAssembler assembler) {
		if (decoder.buffered() > 0) {
			return decoder.incomplete();
		}
		if (assembler.inMessage()) {
			return "the rest of the message: its last frame had FIN=0, so continuation frames follow (RFC 6455 §5.4)";
		}
		return null;
	}

}
