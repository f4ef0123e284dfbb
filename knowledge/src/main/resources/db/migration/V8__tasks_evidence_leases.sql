-- Tasks and their phase gates, step reports with evidence and idempotency keys, and leases with
-- fencing tokens. The execution graph of a task is its plans (by task_id), their decisions and
-- their step reports.

CREATE TABLE tasks (
    id              VARCHAR(64)      NOT NULL PRIMARY KEY,
    agent_id        VARCHAR(64)      NOT NULL REFERENCES agents (id),
    idempotency_key VARCHAR(200),
    content_hash    VARCHAR(64)      NOT NULL,
    classification  VARCHAR(64)      NOT NULL,
    phase           VARCHAR(64)      NOT NULL,
    body            VARCHAR(1000000) NOT NULL,
    opened_at       BIGINT           NOT NULL,
    updated_at      BIGINT           NOT NULL
);
CREATE UNIQUE INDEX tasks_idempotency ON tasks (agent_id, idempotency_key);

CREATE TABLE task_transitions (
    task_id     VARCHAR(64)      NOT NULL REFERENCES tasks (id),
    from_phase  VARCHAR(64)      NOT NULL,
    to_phase    VARCHAR(64)      NOT NULL,
    evidence    VARCHAR(1000000) NOT NULL,
    at          BIGINT           NOT NULL,
    audit_seq   BIGINT           NOT NULL,
    PRIMARY KEY (task_id, to_phase)
);

CREATE INDEX plans_task ON plans (task_id);

-- A report's state (COMPLETED only with verified evidence), and its recorded answer for replays.
ALTER TABLE step_reports ADD COLUMN state VARCHAR(16);
UPDATE step_reports SET state = CASE WHEN status = 'FAILED' THEN 'FAILED' ELSE 'INCOMPLETE' END;
ALTER TABLE step_reports ALTER COLUMN state SET NOT NULL;
ALTER TABLE step_reports ADD COLUMN content_hash VARCHAR(64);
ALTER TABLE step_reports ADD COLUMN answer VARCHAR(1000000);

-- The same idempotency key from the same agent names one step report.
CREATE TABLE step_report_keys (
    agent_id        VARCHAR(64)      NOT NULL REFERENCES agents (id),
    idempotency_key VARCHAR(200)     NOT NULL,
    plan_id         VARCHAR(64)      NOT NULL,
    step_id         VARCHAR(100)     NOT NULL,
    content_hash    VARCHAR(64)      NOT NULL,
    answer          VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (agent_id, idempotency_key)
);

-- Rows are never deleted, so the highest fencing token ever given stays the highest.
CREATE TABLE leases (
    fencing_token BIGINT        NOT NULL PRIMARY KEY,
    resource      VARCHAR(2000) NOT NULL,
    agent_id      VARCHAR(64)   NOT NULL REFERENCES agents (id),
    plan_id       VARCHAR(64)   NOT NULL REFERENCES plans (id),
    step_id       VARCHAR(100)  NOT NULL,
    acquired_at   BIGINT        NOT NULL,
    expires_at    BIGINT        NOT NULL,
    released_at   BIGINT
);
CREATE INDEX leases_resource ON leases (resource, released_at);
CREATE INDEX leases_step ON leases (plan_id, step_id);

-- Writing steps a person must answer: they take their lease if and when the person approves.
CREATE TABLE lease_requests (
    plan_id  VARCHAR(64)   NOT NULL REFERENCES plans (id),
    step_id  VARCHAR(100)  NOT NULL,
    resource VARCHAR(2000) NOT NULL,
    PRIMARY KEY (plan_id, step_id)
);
