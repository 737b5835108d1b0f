-- Support staff's user search (issue: Users screen). Prefix searches on names and mailboxes, each served by an
-- index range scan that stops after the first page of matches, so a search costs the same on a million users as on
-- a thousand.
--
-- The keys are written COLLATE "C": a LIKE 'prefix%' can use a btree only under the C collation (or a pattern
-- operator class), and under C the index order is the order the search sorts by, so ORDER BY … LIMIT reads just
-- the first entries of the range instead of sorting every match. Names are lower-cased by the database, the typed
-- query by the engine; both are plain case folds.

-- First name, then last name: "ada" is a range on the first column, "ada lov" a range on both.
CREATE INDEX users_name_search_ix ON users ((lower(first_name) COLLATE "C"), (lower(last_name) COLLATE "C"), id);
-- Last name alone: "lovelace".
CREATE INDEX users_last_name_search_ix ON users ((lower(last_name) COLLATE "C"), id) WHERE last_name IS NOT NULL;
-- Beginning of a mailbox: "ada.lov", "ada@gm". Equality keeps using users_email_normalized_ix.
CREATE INDEX users_email_normalized_prefix_ix ON users ((email_normalized COLLATE "C"), id);
-- A user's merge history on the Users screen (merged_id is otherwise indexed only while a merge is live).
CREATE INDEX user_merges_merged_ix ON user_merges (merged_id);
