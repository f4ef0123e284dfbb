-- Operators sign in to the console with a password (stored only as an Argon2id hash) and script
-- with their API token. A removed operator is disabled, not deleted, so names in the audit log
-- keep meaning someone.
ALTER TABLE operators ADD COLUMN password_hash VARCHAR(500);
ALTER TABLE operators ADD COLUMN disabled BOOLEAN DEFAULT FALSE NOT NULL;
