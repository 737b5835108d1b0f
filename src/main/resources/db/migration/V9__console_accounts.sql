-- Console accounts: who may sign in to the console, with which role. Passwords are stored only as Argon2id hashes
-- (PHC strings). Failed sign-ins are counted here, so a lock-out holds across every console instance.
CREATE TABLE console_accounts (
    id                  bigserial   PRIMARY KEY,
    username            text        NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    display_name        text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role                text        NOT NULL CHECK (role IN ('ADMINISTRATOR', 'SUPPORT', 'OPERATOR')),
    password_hash       text        NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    failed_attempts     integer     NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until        timestamptz,
    disabled            boolean     NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text        NOT NULL,
    last_sign_in_at     timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT console_accounts_username_ux UNIQUE (username)
);

COMMENT ON TABLE console_accounts IS 'Console sign-in accounts; usernames are stored lower-case.';
