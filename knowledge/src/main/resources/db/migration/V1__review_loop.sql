-- The review loop's knowledge: agents, plans, decisions, escalations, rule sets, operators,
-- and the hash-chained audit log. Instants are epoch milliseconds so the audit hash is exact.
-- Types are kept to what H2 and PostgreSQL both accept.

CREATE TABLE agents (
    id            VARCHAR(64)      NOT NULL PRIMARY KEY,
    name          VARCHAR(200)     NOT NULL,
    owner         VARCHAR(200)     NOT NULL,
    environment   VARCHAR(16)      NOT NULL,
    grants        VARCHAR(1000000) NOT NULL,
    budgets       VARCHAR(4000)    NOT NULL,
    labels        VARCHAR(100000)  NOT NULL,
    token_hash    VARCHAR(64)      NOT NULL,
    registered_at BIGINT           NOT NULL,
    CONSTRAINT agents_token_hash_unique UNIQUE (token_hash)
);

CREATE TABLE operators (
    name          VARCHAR(200)  NOT NULL PRIMARY KEY,
    roles         VARCHAR(200)  NOT NULL,
    token_hash    VARCHAR(64)   NOT NULL,
    created_at    BIGINT        NOT NULL,
    CONSTRAINT operators_token_hash_unique UNIQUE (token_hash)
);

CREATE TABLE plans (
    id              VARCHAR(64)      NOT NULL PRIMARY KEY,
    agent_id        VARCHAR(64)      NOT NULL REFERENCES agents (id),
    idempotency_key VARCHAR(200),
    task_id         VARCHAR(200),
    body            VARCHAR(1000000) NOT NULL,
    received_at     BIGINT           NOT NULL
);
CREATE INDEX plans_agent ON plans (agent_id, received_at);

CREATE TABLE decisions (
    plan_id          VARCHAR(64)      NOT NULL PRIMARY KEY REFERENCES plans (id),
    agent_id         VARCHAR(64)      NOT NULL REFERENCES agents (id),
    verdict          VARCHAR(16)      NOT NULL,
    body             VARCHAR(1000000) NOT NULL,
    rule_set_version INTEGER          NOT NULL,
    decided_by       VARCHAR(220)     NOT NULL,
    audit_seq        BIGINT           NOT NULL,
    decided_at       BIGINT           NOT NULL
);

CREATE TABLE escalations (
    id          VARCHAR(64)   NOT NULL PRIMARY KEY,
    plan_id     VARCHAR(64)   NOT NULL REFERENCES plans (id),
    agent_id    VARCHAR(64)   NOT NULL REFERENCES agents (id),
    status      VARCHAR(16)   NOT NULL,
    severity    VARCHAR(16)   NOT NULL,
    created_at  BIGINT        NOT NULL,
    deadline    BIGINT        NOT NULL,
    resolved_at BIGINT,
    resolved_by VARCHAR(220),
    reason      VARCHAR(4000),
    CONSTRAINT escalations_plan_unique UNIQUE (plan_id)
);
CREATE INDEX escalations_open ON escalations (status, deadline);

CREATE TABLE rule_sets (
    version    INTEGER          NOT NULL PRIMARY KEY,
    files      VARCHAR(1000000) NOT NULL,
    comment    VARCHAR(4000)    NOT NULL,
    created_at BIGINT           NOT NULL,
    active     BOOLEAN          NOT NULL
);

CREATE TABLE audit_log (
    seq       BIGINT           NOT NULL PRIMARY KEY,
    at        BIGINT           NOT NULL,
    type      VARCHAR(64)      NOT NULL,
    actor     VARCHAR(220)     NOT NULL,
    subject   VARCHAR(220)     NOT NULL,
    payload   VARCHAR(1000000) NOT NULL,
    prev_hash VARCHAR(64)      NOT NULL,
    hash      VARCHAR(64)      NOT NULL
);
