package org.nstcg.integrity.engine.referral;

/** What a typed referral code turned out to be. */
public sealed interface ParsedCode {

    /** Well-formed with a matching check symbol; {@code code} is its canonical form. */
    record Valid(ReferralCode code) implements ParsedCode {
    }

    /** Well-formed but the check symbol does not match: a typo. */
    record Mistyped(String typed) implements ParsedCode {
    }

    /** Not shaped like one of our codes (it may still be a legacy code). */
    record Malformed(String typed, String reason) implements ParsedCode {
    }
}
