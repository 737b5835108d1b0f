-- Console sessions end when what they were granted on changes. Each session remembers the account's session_epoch at
-- its sign-in; a password reset or change and a role change add one to it (and say why), and the engine refuses a
-- session whose epoch is behind at its next action. (A disabled account's sessions are refused by its disabled flag.)
-- IF NOT EXISTS: MigrationIT runs the newest migration twice.
ALTER TABLE console_accounts
    ADD COLUMN IF NOT EXISTS session_epoch          bigint NOT NULL DEFAULT 0 CHECK (session_epoch >= 0),
    ADD COLUMN IF NOT EXISTS sessions_ended_because text
        CHECK (sessions_ended_because IN ('password_reset', 'password_changed', 'role_changed'));

COMMENT ON COLUMN console_accounts.session_epoch IS
    'Raised whenever the account''s open sessions must end; a session signed in at an older epoch is refused.';
COMMENT ON COLUMN console_accounts.sessions_ended_because IS 'Why session_epoch was last raised, for the refused session''s message.';
