-- Console sign-ins, so a restart of Governor does not sign everyone out. Only the hash of a
-- session's id is kept; the id itself lives in the operator's HttpOnly cookie.
CREATE TABLE console_sessions (
    id_hash     VARCHAR(64)  NOT NULL PRIMARY KEY,
    operator    VARCHAR(200) NOT NULL,
    built_in    BOOLEAN      NOT NULL,
    csrf_token  VARCHAR(100) NOT NULL,
    expires_at  BIGINT       NOT NULL
);
