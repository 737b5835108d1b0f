-- Repairs (issue 6). When a user's referral code changes, the old code becomes an alias of that user: only if the
-- registry says the old code is that user's. A user who carried someone else's code (a legacy conflict being
-- repaired) must not turn the rightful owner's primary code into an alias.
CREATE OR REPLACE FUNCTION register_referral_code() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.referral_code = OLD.referral_code THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        UPDATE referral_codes SET kind = 'alias' WHERE code = OLD.referral_code AND user_id = OLD.id;
    END IF;
    -- A unique violation here means the code was issued before: refused, forever.
    INSERT INTO referral_codes (code, user_id, kind) VALUES (NEW.referral_code, NEW.id, 'primary');
    RETURN NEW;
END;
$$;

-- Finding users who share a referral code (possible only if the unique constraint was lost) without a full scan.
CREATE INDEX IF NOT EXISTS users_referral_code_ix ON users (referral_code);
