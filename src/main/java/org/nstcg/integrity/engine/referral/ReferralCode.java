package org.nstcg.integrity.engine.referral;

import java.util.Optional;

/**
 * A referral code: an optional readable prefix from the owner's first name, a body of eight base32 symbols that
 * carries the identity (a permuted sequence value), and a check symbol, written {@code ADAX-7K3M9QW2P}.
 * The prefix is decoration: two codes with the same body and check are the same code.
 */
public record ReferralCode(Optional<String> prefix, String body, char check) {

    public static final int BODY_LENGTH = 8;

    /** The canonical text, as stored and printed. */
    public String text() {
        return prefix.map(p -> p + "-").orElse("") + body + check;
    }

    /** Body and check symbol: what identifies the code whatever its prefix. */
    public String identity() {
        return body + check;
    }

    @Override
    public String toString() {
        return text();
    }
}
