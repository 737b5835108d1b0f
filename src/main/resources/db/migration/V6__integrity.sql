-- Integrity checks (issue 6): one row per check per run, so history can be charted per check even when a check
-- found nothing (no finding rows) or far more than the findings a run keeps (findings_total vs findings_stored).

CREATE TABLE integrity_check_results (
    run_id           BIGINT       NOT NULL REFERENCES integrity_check_runs (id),
    check_name       VARCHAR(64)  NOT NULL,
    severity         VARCHAR(16)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    findings_total   BIGINT       NOT NULL DEFAULT 0,
    findings_stored  INTEGER      NOT NULL DEFAULT 0,
    duration_ms      BIGINT       NOT NULL,
    error            TEXT,
    CONSTRAINT check_results_pkey PRIMARY KEY (run_id, check_name),
    CONSTRAINT check_results_severity_ck CHECK (severity IN ('info', 'warning', 'critical')),
    CONSTRAINT check_results_status_ck CHECK (status IN ('passed', 'failed', 'error')),
    CONSTRAINT check_results_counts_ck CHECK (findings_total >= 0 AND findings_stored >= 0
        AND findings_stored <= findings_total AND duration_ms >= 0)
);
-- Charts read one check's history by time.
CREATE INDEX check_results_check_ix ON integrity_check_results (check_name, run_id);

-- Which instance ran a suite: scheduled suites take turns between instances.
ALTER TABLE integrity_check_runs ADD COLUMN instance_id VARCHAR(100);
-- The scheduler asks when the last scheduled suite started.
CREATE INDEX check_runs_trigger_started_ix ON integrity_check_runs (trigger, started_at);
