-- Registrations refused as duplicates, counted by every instance whichever path refused them (decision record 0007):
-- the Redis fast path refuses before anything is written, so the saga log alone undercounts. Each instance adds its
-- counts per minute (of the database's clock) every few seconds; readers sum over instances.
CREATE TABLE signup_refusals (
    minute    TIMESTAMPTZ  NOT NULL,
    instance  VARCHAR(100) NOT NULL,
    reason    VARCHAR(32)  NOT NULL,
    refusals  BIGINT       NOT NULL,
    PRIMARY KEY (minute, instance, reason),
    CONSTRAINT signup_refusals_reason_ck CHECK (reason IN ('already_registered', 'in_progress')),
    CONSTRAINT signup_refusals_count_ck CHECK (refusals > 0),
    CONSTRAINT signup_refusals_minute_ck CHECK (minute = date_trunc('minute', minute))
);
