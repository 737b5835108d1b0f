-- Saga transactions (decision record 0007): fewer index entries on the write path of every saga.

-- Browsing by status: running sagas are found through sagas_unfinished_lease_ix (there are few at any time), so
-- the status index no longer takes an entry for every saga while it runs, only for those that end otherwise than
-- COMPLETED or need attention.
DROP INDEX sagas_status_created_ix;
CREATE INDEX sagas_status_created_ix ON sagas (status, created_at) WHERE status NOT IN ('COMPLETED', 'RUNNING');
