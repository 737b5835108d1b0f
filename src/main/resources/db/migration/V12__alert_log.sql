-- Every alert any engine instance raised, so a console sees the alerts of all instances (a scheduled check or a
-- registration server elsewhere) and the overview counts them, not just its own process's. Kept 30 days.
CREATE TABLE alert_log (
    id          bigserial   PRIMARY KEY,
    raised_at   timestamptz NOT NULL,
    severity    text        NOT NULL,
    source      text        NOT NULL,
    subject     text,
    message     text        NOT NULL,
    instance_id text        NOT NULL
);

CREATE INDEX alert_log_raised_ix ON alert_log (raised_at);
