package io.pushlab.rfc6455;

/**
 * What every frame a client sends must be, whatever it carries, judged from its header
 * alone so a bad frame is refused before its payload is read. Fragmentation and size are
 * the {@link MessageAssembler}'s to judge. Stateless.
 */
final class ClientFrameRules {

	private ClientFrameRules() {
	}

	/**
	 * @param header a client frame's header
	 * @throws FailConnectionException 1002 for an unmasked frame (§5.1), reserved bits
	 * set with no extension negotiated (§5.2), a reserved opcode (§5.2), or a control
	 * frame that is fragmented or carries more than 125 bytes (§5.5)
	 */
	static void check(FrameHeader header) throws FailConnectionException {
		if (!header.masked()) {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR, "client frames must be masked (RFC 6455 §5.1)");
		}
		if (header.rsv() != 0) {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
					"RSV bits set with no extension negotiated (RFC 6455 §5.2)");
		}
		if (!Opcode.isDefined(header.opcode())) {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
					"reserved opcode 0x" + Integer.toHexString(header.opcode()) + " (RFC 6455 §5.2)");
		}
		if (Opcode.isControl(header.opcode()) && !header.fin()) {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
					"control frames must not be fragmented (RFC 6455 §5.5)");
		}
		if (Opcode.isControl(header.opcode()) && header.payloadLength() > Opcode.MAX_CONTROL_PAYLOAD) {
			throw new FailConnectionException(CloseCode.PROTOCOL_ERROR,
					"control frames carry at most 125 bytes (RFC 6455 §5.5)");
		}
	}

}
