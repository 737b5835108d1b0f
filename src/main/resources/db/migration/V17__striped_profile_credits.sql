-- Striped profile credits (decision record 0007): a popular referrer's credits no longer queue on one row.
--
-- Before: every referral bonus updated the referrer's gamification_profiles row (its points through the ledger
-- trigger, its referral_count in the bonus statement), so every sign-up naming one code waited for the previous one to
-- commit (on the platform's PostgreSQL 15: 0.64 of the uniform rate, lock waits in most samples).
-- Now a credit (a positive ledger delta, a referral counted) goes to the profile row when that row is free, and to one
-- of 32 stripes of the profile (chosen by backend, so concurrent sessions take different stripes) when another
-- transaction holds it. A profile's figures are its row plus its stripes: the view profile_totals is what readers read.
--   * points still follow the ledger only: profile points + striped points = the ledger's sum, enforced as before
--     (the ledger trigger writes both; a direct change of either is checked against the full sum);
--   * a debit (a negative delta, a referral count taken back) first folds the stripes into the row
--     (fold_profile_credits), so the row alone takes it and no figure ever goes below zero;
--   * the row version a cached copy carries grows with either: profile_totals.version = row version + stripe versions,
--     and a fold adds the folded stripes' versions to the row's.

CREATE TABLE profile_credit_stripes (
    user_id         BIGINT      NOT NULL REFERENCES gamification_profiles (user_id) ON DELETE CASCADE,
    stripe          SMALLINT    NOT NULL,
    points          INTEGER     NOT NULL DEFAULT 0,
    referral_count  INTEGER     NOT NULL DEFAULT 0,
    version         BIGINT      NOT NULL DEFAULT 1,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT profile_credit_stripes_pkey PRIMARY KEY (user_id, stripe),
    CONSTRAINT profile_credit_stripes_stripe_ck CHECK (stripe BETWEEN 0 AND 31),
    CONSTRAINT profile_credit_stripes_points_ck CHECK (points >= 0),
    CONSTRAINT profile_credit_stripes_referral_count_ck CHECK (referral_count >= 0)
);

-- An UPDATE may raise a version (a fold carries its stripes' versions over); it never lowers or keeps it.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    NEW.version := greatest(OLD.version + 1, NEW.version);
    RETURN NEW;
END;
$$;

CREATE TRIGGER profile_credit_stripes_touch_updated_at
    BEFORE UPDATE ON profile_credit_stripes
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The stripe a session adds its credits to.
CREATE FUNCTION credit_stripe() RETURNS SMALLINT
LANGUAGE sql STABLE AS $$
    SELECT (pg_backend_pid() % 32)::smallint
$$;

-- What readers read: a profile's points, referral count, version and last change, row and stripes together.
CREATE VIEW profile_totals AS
SELECT p.user_id,
       p.points + coalesce(s.points, 0) AS points,
       p.referral_count + coalesce(s.referral_count, 0) AS referral_count,
       p.version + coalesce(s.version, 0) AS version,
       greatest(p.updated_at, s.updated_at) AS updated_at,
       p.created_at,
       p.created_by_saga
  FROM gamification_profiles p
  LEFT JOIN (SELECT user_id, sum(points)::integer AS points, sum(referral_count)::integer AS referral_count,
                    sum(version)::bigint AS version, max(updated_at) AS updated_at
               FROM profile_credit_stripes GROUP BY user_id) s ON s.user_id = p.user_id;

-- Moves the stripes of these users into their profile rows (locked first, in id order), so that a debit can be
-- taken from the row alone. Totals are unchanged.
CREATE FUNCTION fold_profile_credits(p_users BIGINT[]) RETURNS void
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    ids      BIGINT[];
    pts      INTEGER[];
    refs     INTEGER[];
    versions BIGINT[];
BEGIN
    IF coalesce(cardinality(p_users), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM gamification_profiles WHERE user_id = ANY (p_users) ORDER BY user_id FOR NO KEY UPDATE;
    WITH gone AS (DELETE FROM profile_credit_stripes WHERE user_id = ANY (p_users)
                  RETURNING user_id, points, referral_count, version),
         t AS (SELECT user_id, sum(points)::integer AS p, sum(referral_count)::integer AS r, sum(version)::bigint AS v
                 FROM gone GROUP BY user_id)
    SELECT array_agg(user_id), array_agg(p), array_agg(r), array_agg(v) INTO ids, pts, refs, versions FROM t;
    IF ids IS NOT NULL THEN
        UPDATE gamification_profiles g
           SET points = g.points + t.p, referral_count = g.referral_count + t.r, version = g.version + t.v + 1
          FROM unnest(ids, pts, refs, versions) AS t(user_id, p, r, v)
         WHERE g.user_id = t.user_id;
    END IF;
END;
$$;

-- As in V14, with credits to a profile row held by another transaction going to a stripe, and debits folding first.
CREATE OR REPLACE FUNCTION apply_ledger_entries() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    missing BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM fold_profile_credits(ARRAY(SELECT user_id FROM new_entries GROUP BY user_id HAVING sum(delta) < 0));
        WITH d AS (SELECT user_id, sum(delta) AS delta FROM new_entries GROUP BY user_id),
             free AS (SELECT user_id FROM gamification_profiles WHERE user_id IN (SELECT user_id FROM d)
                      FOR NO KEY UPDATE SKIP LOCKED),
             direct AS (UPDATE gamification_profiles p SET points = p.points + d.delta FROM d
                         WHERE p.user_id = d.user_id AND p.user_id IN (SELECT user_id FROM free) RETURNING p.user_id),
             striped AS (INSERT INTO profile_credit_stripes AS s (user_id, stripe, points)
                         SELECT d.user_id, credit_stripe(), d.delta FROM d
                          WHERE d.delta > 0 AND d.user_id NOT IN (SELECT user_id FROM free)
                            AND EXISTS (SELECT 1 FROM gamification_profiles p WHERE p.user_id = d.user_id)
                         ON CONFLICT (user_id, stripe) DO UPDATE SET points = s.points + excluded.points
                         RETURNING s.user_id)
        SELECT min(d.user_id) INTO missing FROM d
         WHERE d.user_id NOT IN (SELECT user_id FROM direct) AND d.user_id NOT IN (SELECT user_id FROM striped);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'points_ledger entry for user % has no gamification profile', missing
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSE
        -- Compensation removing a saga's own entries: take their deltas back (a profile removed with them is gone).
        PERFORM fold_profile_credits(ARRAY(SELECT user_id FROM old_entries GROUP BY user_id HAVING sum(delta) > 0));
        UPDATE gamification_profiles p SET points = p.points - d.delta
          FROM (SELECT user_id, sum(delta) AS delta FROM old_entries GROUP BY user_id) d
         WHERE p.user_id = d.user_id;
    END IF;
    RETURN NULL;
END;
$$;

-- The sum a profile's points must match, and the check of one user against it.
CREATE FUNCTION striped_points(p_user BIGINT) RETURNS BIGINT
LANGUAGE sql STABLE
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
    SELECT coalesce(sum(points), 0) FROM profile_credit_stripes WHERE user_id = p_user
$$;

-- As in V14: a direct change of a profile's points must make row + stripes equal the ledger's sum.
CREATE OR REPLACE FUNCTION guard_points_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    total   BIGINT;
    striped BIGINT;
BEGIN
    IF NEW.points IS DISTINCT FROM OLD.points AND pg_trigger_depth() < 2 THEN
        SELECT coalesce(sum(delta), 0) INTO total FROM points_ledger WHERE user_id = NEW.user_id;
        striped := striped_points(NEW.user_id);
        IF NEW.points + striped <> total THEN
            RAISE EXCEPTION 'points of user % would be % but the ledger sums to %: points change only through ledger entries',
                NEW.user_id, NEW.points + striped, total
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

-- A direct change of striped points (not the ledger trigger's, nor a cascade's) is checked at commit, once the
-- statement that folds or repairs has also written the row.
CREATE FUNCTION check_striped_points() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    uid      BIGINT := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
    actual   BIGINT;
    expected BIGINT;
BEGIN
    SELECT points + striped_points(uid) INTO actual FROM gamification_profiles WHERE user_id = uid;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(delta), 0) INTO expected FROM points_ledger WHERE user_id = uid;
    IF actual <> expected THEN
        RAISE EXCEPTION 'points of user % would be % but the ledger sums to %: points change only through ledger entries',
            uid, actual, expected
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER profile_credit_stripes_insert_follows_ledger
    AFTER INSERT ON profile_credit_stripes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.points <> 0 AND pg_trigger_depth() = 0) EXECUTE FUNCTION check_striped_points();
CREATE CONSTRAINT TRIGGER profile_credit_stripes_update_follows_ledger
    AFTER UPDATE OF points ON profile_credit_stripes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION check_striped_points();
CREATE CONSTRAINT TRIGGER profile_credit_stripes_delete_follows_ledger
    AFTER DELETE ON profile_credit_stripes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.points <> 0 AND pg_trigger_depth() = 0) EXECUTE FUNCTION check_striped_points();
