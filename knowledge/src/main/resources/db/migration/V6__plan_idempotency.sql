-- The same idempotency key from the same agent names one plan: a retry gets the recorded
-- decision, never a second one. The content hash tells a retry from a different plan.
ALTER TABLE plans ADD COLUMN content_hash VARCHAR(64);
CREATE UNIQUE INDEX plans_idempotency ON plans (agent_id, idempotency_key);
