-- Points follow the ledger (decision record 0007): a profile's points change only by ledger entries, applied in the
-- same statement by the database, so "points = sum of the ledger" holds by construction and costs O(1) per entry.
--
-- Before: a deferred trigger summed the user's whole ledger at commit, for every entry and every points update, so a
-- referrer's bonus cost grew with the referrer's history (a code shared widely paid more per sign-up every day).
-- Now:
--   * an AFTER INSERT / AFTER DELETE statement trigger on points_ledger adds (or takes back) the deltas of the rows the
--     statement wrote, one UPDATE per user, and refuses entries of a user without a profile;
--   * a BEFORE UPDATE trigger on gamification_profiles lets those updates through and checks any other change of
--     points against the full sum (a repair that sets points to the ledger's sum passes; anything else is refused);
--   * a profile is created with points equal to the ledger it already has (usually none: 0), checked once, at commit.
-- The set-based points-ledger integrity check and its repair stay: they find what someone with DDL rights did with
-- the triggers disabled.

DROP TRIGGER gamification_points_match_ledger ON gamification_profiles;
DROP TRIGGER points_ledger_matches_profile ON points_ledger;
DROP FUNCTION check_points_match_ledger();

CREATE FUNCTION apply_ledger_entries() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    missing BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH d AS (SELECT user_id, sum(delta) AS delta FROM new_entries GROUP BY user_id),
             upd AS (UPDATE gamification_profiles p SET points = p.points + d.delta FROM d WHERE p.user_id = d.user_id
                     RETURNING p.user_id)
        SELECT min(d.user_id) INTO missing FROM d WHERE d.user_id NOT IN (SELECT user_id FROM upd);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'points_ledger entry for user % has no gamification profile', missing
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSE
        -- Compensation removing a saga's own entries: take their deltas back (a profile removed with them is gone).
        UPDATE gamification_profiles p SET points = p.points - d.delta
          FROM (SELECT user_id, sum(delta) AS delta FROM old_entries GROUP BY user_id) d
         WHERE p.user_id = d.user_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER points_ledger_applies_inserts
    AFTER INSERT ON points_ledger REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION apply_ledger_entries();
CREATE TRIGGER points_ledger_applies_deletes
    AFTER DELETE ON points_ledger REFERENCING OLD TABLE AS old_entries
    FOR EACH STATEMENT EXECUTE FUNCTION apply_ledger_entries();

-- Points change through the ledger trigger above (trigger depth 2: a trigger fired by a trigger, which only the schema
-- owner can create); a direct change must set them to the ledger's sum.
CREATE FUNCTION guard_points_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    total BIGINT;
BEGIN
    IF NEW.points IS DISTINCT FROM OLD.points AND pg_trigger_depth() < 2 THEN
        SELECT coalesce(sum(delta), 0) INTO total FROM points_ledger WHERE user_id = NEW.user_id;
        IF NEW.points <> total THEN
            RAISE EXCEPTION 'points of user % would be % but the ledger sums to %: points change only through ledger entries',
                NEW.user_id, NEW.points, total
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER gamification_points_follow_ledger
    BEFORE UPDATE OF points ON gamification_profiles
    FOR EACH ROW EXECUTE FUNCTION guard_points_change();

-- A new profile starts from the ledger its user already has, checked once at commit (after the statement trigger
-- above has applied the entries written with it).
CREATE FUNCTION check_new_profile_points() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    actual   INTEGER;
    expected BIGINT;
BEGIN
    SELECT points INTO actual FROM gamification_profiles WHERE user_id = NEW.user_id;
    IF NOT FOUND THEN
        RETURN NULL; -- removed again in the same transaction (a compensation)
    END IF;
    SELECT coalesce(sum(delta), 0) INTO expected FROM points_ledger WHERE user_id = NEW.user_id;
    IF actual <> expected THEN
        RAISE EXCEPTION 'points of user % are % but the ledger sums to %', NEW.user_id, actual, expected
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER gamification_new_profile_matches_ledger
    AFTER INSERT ON gamification_profiles
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION check_new_profile_points();
