-- Registration: collision-free referral codes.

-- The body of every generated referral code is a value of this sequence run through a keyed permutation
-- (FeistelPermutation): a sequence value is never handed out twice, so no two codes collide, by construction.
CREATE SEQUENCE referral_code_seq AS BIGINT MINVALUE 1 MAXVALUE 1099511627775 START 1 NO CYCLE;

-- Engine-wide secrets, created once by the first engine and shared by every instance. The referral key must
-- never change: codes made under another key could collide with those already issued.
CREATE TABLE engine_secrets (
    name        VARCHAR(64) PRIMARY KEY,
    value       BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT engine_secrets_length_ck CHECK (length(value) >= 16)
);

CREATE TRIGGER engine_secrets_append_only
    BEFORE UPDATE OR DELETE ON engine_secrets
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();
CREATE TRIGGER engine_secrets_no_truncate
    BEFORE TRUNCATE ON engine_secrets
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only();

-- A generated code is identified by its body and check symbol (the last 9 symbols) whatever its name prefix:
-- typo-tolerant lookup finds it by that identity, which is unique among all codes ever issued.
CREATE UNIQUE INDEX referral_codes_identity_uk ON referral_codes (right(code, 9))
    WHERE code ~ '^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$';
