-- The coordinated cache (issue 5): row versions that every change bumps, missed invalidations kept durably,
-- and the divergence sampler's time series.

-- Every UPDATE of a user or a profile now bumps its version, whoever writes it (engine, repair, operator's psql),
-- so a cached copy can always tell whether it is older than the row. The cache entry of user:<id> carries
-- users.version + gamification_profiles.version, which grows whenever either row changes.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$;

-- Invalidations that could not reach Redis (it was down after the commit). Any instance replays them, oldest
-- first, as soon as Redis answers again, so nothing cached can outlive a write it missed. Rows are deleted
-- once applied.
CREATE TABLE cache_missed_invalidations (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cache_key    VARCHAR(300) NOT NULL,
    is_pattern   BOOLEAN      NOT NULL DEFAULT false,
    instance_id  VARCHAR(100) NOT NULL,
    recorded_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT cache_missed_invalidations_key_ck CHECK (length(cache_key) > 0)
);

-- One row per key pattern per sampling round: how many cached entries were compared with their rows, how many
-- differed, and how long the oldest difference had been stale. The console charts it.
CREATE TABLE cache_divergence_samples (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sampled_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    key_pattern          VARCHAR(64)  NOT NULL,
    sampled              INTEGER      NOT NULL,
    divergent            INTEGER      NOT NULL,
    oldest_staleness_ms  BIGINT,
    instance_id          VARCHAR(100) NOT NULL,
    CONSTRAINT cache_divergence_samples_counts_ck CHECK (sampled >= 0 AND divergent >= 0 AND divergent <= sampled),
    CONSTRAINT cache_divergence_samples_staleness_ck CHECK (oldest_staleness_ms IS NULL OR oldest_staleness_ms >= 0)
);
CREATE INDEX cache_divergence_samples_at_ix ON cache_divergence_samples (sampled_at, key_pattern);

-- The leaderboard reads profiles by points.
CREATE INDEX gamification_profiles_points_ix ON gamification_profiles (points DESC, user_id);
