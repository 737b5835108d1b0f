package org.nstcg.integrity.engine.referral;

import java.util.Locale;
import java.util.Optional;
import org.nstcg.integrity.engine.store.ReferrerRef;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.support.EngineException;

/** Looks typed referral codes up, tolerating case, confusable symbols and a wrong or missing name prefix. */
public final class ReferralCodes {

    private final ReferralCodeParser parser = new ReferralCodeParser();
    private final RegistrationStore store;

    public ReferralCodes(RegistrationStore store) {
        this.store = store;
    }

    public ReferralCheck check(String typed) {
        Optional<String> tooLong = ReferralCodeParser.tooLong(typed);
        if (tooLong.isPresent()) {
            return new ReferralCheck.Invalid(tooLong.get());
        }
        ParsedCode parsed = parser.parse(typed);
        if (parsed instanceof ParsedCode.Mistyped) {
            return new ReferralCheck.Mistyped(typed, suggestion(typed));
        }
        if (parsed instanceof ParsedCode.Valid v) {
            return known(v.code().text(), Optional.of(v.code().identity()))
                    .orElseGet(() -> new ReferralCheck.Unknown(typed, "is well-formed but was never issued, or its owner is no longer active"));
        }
        String reason = ((ParsedCode.Malformed) parsed).reason();
        String legacy = typed == null ? "" : typed.strip().toUpperCase(Locale.ROOT);
        if (legacy.isEmpty()) {
            return new ReferralCheck.Unknown("", reason);
        }
        return known(legacy, Optional.empty()).orElseGet(() -> new ReferralCheck.Unknown(typed, reason));
    }

    /**
     * The only active user's code one typo away from {@code typed}: at most 17 identities pass the check symbol (see
     * {@link CodeCorrections}), each one indexed look-up; stops at the second owner found, since then none is suggested.
     */
    private Optional<String> suggestion(String typed) {
        Optional<ReferrerRef> only = Optional.empty();
        for (String identity : CodeCorrections.candidates(typed)) {
            Optional<ReferrerRef> owner = store.referrer(identity, Optional.of(identity));
            if (owner.isPresent()) {
                if (only.isPresent() && only.get().userId() != owner.get().userId()) {
                    return Optional.empty();
                }
                only = owner;
            }
        }
        return only.map(ReferrerRef::code);
    }

    private Optional<ReferralCheck> known(String exact, Optional<String> identity) {
        Optional<ReferrerRef> owner = store.referrer(exact, identity); // a StoreException says what failed
        return owner.map(o -> new ReferralCheck.Known(o.code(), o));
    }
}
