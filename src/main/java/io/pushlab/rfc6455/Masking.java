package io.pushlab.rfc6455;

/**
 * Masking, RFC 6455 §5.3: octet i of the data is XORed with octet (i mod 4) of the
 * masking key. The same operation masks and unmasks.
 */
final class Masking {

	private Masking() {
	}

	/**
	 * @param key the 4-byte masking key
	 * @param data the data
	 * @return a new array holding the data masked (or unmasked) with the key
	 */
	static byte[] apply(byte[] key, byte[] data) {
		byte[] result = new byte[data.length];
		for (int i = 0; i < data.length; i++) {
			result[i] = (byte) (data[i] ^ key[i & 3]);
		}
		return result;
	}

}
