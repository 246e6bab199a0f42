package io.pushlab.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.SpoofChecker;
import com.ibm.icu.util.ULocale;

/**
 * The contract's rules for names and texts, shared by every transport. Each check returns
 * {@code null} when the value is valid, otherwise a message that starts with the field's
 * name, such as {@code "text: must be 1 to 2000 characters"}.
 */
public final class MessageRules {

	/** A room: lower-case letters, digits and dashes, 1 to 32 characters. */
	public static final Pattern ROOM = Pattern.compile("^[a-z0-9][a-z0-9-]{0,31}$");

	/** A user name: Unicode letters, digits, {@code _ . -}, 1 to 32 characters. */
	public static final Pattern USER = Pattern.compile("^[\\p{L}\\p{N}_.-]{1,32}$");

	/** A long-polling client id. */
	public static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9_-]{8,64}$");

	/** Longest nonce. */
	public static final int MAX_NONCE_LENGTH = 64;

	private final int maxTextLength;

	public MessageRules(int maxTextLength) {
		this.maxTextLength = maxTextLength;
		// load ICU's confusables data now, not in the first handshake
		skeleton("pushlab");
	}

	public int maxTextLength() {
		return this.maxTextLength;
	}

	public static String checkRoom(String field, String room) {
		if (room == null || !ROOM.matcher(room).matches()) {
			return field + ": must match ^[a-z0-9][a-z0-9-]{0,31}$ (lower-case letters, digits and -)";
		}
		return null;
	}

	/**
	 * Checks a user name: the {@link #USER} pattern, then the UTS #39 rules that stop one
	 * name from imitating another: no confusable mix of scripts (moderately restrictive:
	 * Latin with Cyrillic or Greek is refused, a single script or Latin with Han, kana or
	 * Hangul is fine), no mix of digit systems, no hidden overlays.
	 * @param field the field's name, for the message
	 * @param name the name
	 * @return {@code null} when valid, else {@code "<field>: what is wrong"}
	 */
	public static String checkUser(String field, String name) {
		if (name == null || !USER.matcher(name).matches()) {
			return field + ": must be 1 to 32 letters, digits, _ . or -";
		}
		int invisible = firstInvisible(name);
		if (invisible >= 0) {
			return field + ": holds an invisible character (U+%04X, such as a Hangul filler); use visible letters"
				.formatted(invisible);
		}
		if (Spoofing.CHECKER.failsChecks(name)) {
			return field + ": mixes scripts or digits in a way that can imitate another name"
					+ " (such as Latin with Cyrillic letters); use one script";
		}
		return null;
	}

	/**
	 * The key of a name: two names that look alike (same UTS #39 skeleton, such as
	 * {@code paypal} and {@code paypa1}, or {@code rn} and {@code m}) or differ only in
	 * case (such as {@code Carol}, {@code carol} and {@code CAROL}) have the same key.
	 * Name ownership is held per key, so nobody can take a look-alike or a case variant
	 * of a name in use. The key is the skeleton of the case-folded skeleton of the name
	 * in upper case: upper case first, so a capital I (a look-alike of l) and a small i
	 * meet ({@code ALICE}, {@code AIice} and {@code Alice} share a key).
	 * @param name a valid user name
	 * @return its key
	 */
	public static String skeleton(String name) {
		// U+0130 (capital I with dot above) reads as i; its case mappings add a combining
		// dot
		String upper = UCharacter.toUpperCase(ULocale.ROOT, name.replace('\u0130', 'I'));
		String folded = UCharacter.foldCase(Spoofing.CHECKER.getSkeleton(upper), UCharacter.FOLD_CASE_DEFAULT);
		return Spoofing.CHECKER.getSkeleton(folded);
	}

	/**
	 * @return the first Default_Ignorable_Code_Point of the value (a character that shows
	 * nothing, such as the Hangul fillers U+3164, U+115F, U+1160, U+FFA0 or the
	 * zero-width joiner), -1 when there is none
	 */
	private static int firstInvisible(String value) {
		for (int i = 0; i < value.length();) {
			int c = value.codePointAt(i);
			if (UCharacter.hasBinaryProperty(c, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
				return c;
			}
			i += Character.charCount(c);
		}
		return -1;
	}

	public static String checkClientId(String field, String id) {
		if (id == null || !CLIENT_ID.matcher(id).matches()) {
			return field + ": must be 8 to 64 characters of A-Z a-z 0-9 _ -";
		}
		return null;
	}

	/**
	 * Checks a message's text: 1 to {@code max-text-length} characters (code points, so
	 * an emoji is one), not blank, and well-formed Unicode.
	 * @param field the field's name, for the message
	 * @param text the text
	 * @return {@code null} when valid, else {@code "<field>: what is wrong"}
	 */
	public String checkText(String field, String text) {
		if (text == null || isBlank(text) || text.codePointCount(0, text.length()) > this.maxTextLength) {
			return field + ": must be 1 to " + this.maxTextLength + " characters, not blank";
		}
		return checkWellFormed(field, text);
	}

	/**
	 * Checks a nonce: at most {@link #MAX_NONCE_LENGTH} characters (code points, as for
	 * the text), well-formed Unicode.
	 * @param field the field's name, for the message
	 * @param nonce the nonce, or {@code null}
	 * @return {@code null} when valid or absent, else {@code "<field>: what is wrong"}
	 */
	public static String checkNonce(String field, String nonce) {
		if (nonce == null) {
			return null;
		}
		if (nonce.codePointCount(0, nonce.length()) > MAX_NONCE_LENGTH) {
			return field + ": must be at most " + MAX_NONCE_LENGTH + " characters";
		}
		return checkWellFormed(field, nonce);
	}

	/**
	 * Whether a text shows nothing: every character is white space, a space of any width
	 * (such as the no-break space U+00A0 or the ideographic space U+3000), an invisible
	 * format character (such as the zero-width space U+200B) or another
	 * Default_Ignorable_Code_Point (such as the Hangul filler U+3164).
	 */
	static boolean isBlank(String text) {
		for (int i = 0; i < text.length();) {
			int c = text.codePointAt(i);
			if (!Character.isWhitespace(c) && !Character.isSpaceChar(c) && Character.getType(c) != Character.FORMAT
					&& !UCharacter.hasBinaryProperty(c, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
				return false;
			}
			i += Character.charCount(c);
		}
		return true;
	}

	/**
	 * A JSON string may hold half of a surrogate pair ({@code "\ud800"}), which no UTF-8
	 * answer can carry: it would reach every client as {@code ?}. Refused, so nothing
	 * stored differs from what was sent.
	 */
	private static String checkWellFormed(String field, String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < value.length()
					&& Character.isLowSurrogate(value.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return field + ": must be well-formed Unicode (holds an unpaired surrogate at character " + i + ")";
			}
		}
		return null;
	}

	/**
	 * Checks a whole draft.
	 * @param draft the draft
	 * @return every problem, empty when the draft is valid
	 */
	public List<String> check(Draft draft) {
		List<String> errors = new ArrayList<>(3);
		addIfPresent(errors, checkUser("from", draft.from()));
		addIfPresent(errors, checkText("text", draft.text()));
		addIfPresent(errors, checkNonce("nonce", draft.nonce()));
		return errors;
	}

	private static void addIfPresent(List<String> errors, String error) {
		if (error != null) {
			errors.add(error);
		}
	}

	/** ICU's spoof checker, built once (its data loads on first use); thread-safe. */
	private static final class Spoofing {

		static final SpoofChecker CHECKER = new SpoofChecker.Builder()
			.setChecks(SpoofChecker.RESTRICTION_LEVEL | SpoofChecker.MIXED_NUMBERS | SpoofChecker.INVISIBLE
					| SpoofChecker.HIDDEN_OVERLAY)
			.setRestrictionLevel(SpoofChecker.RestrictionLevel.MODERATELY_RESTRICTIVE)
			.build();

	}

}
