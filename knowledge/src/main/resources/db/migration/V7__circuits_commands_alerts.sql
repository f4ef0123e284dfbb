-- Effectors: each agent's circuit breaker, the commands pushed to agents, and alerts raised to
-- operators. (Telemetry, heartbeats and usage live in their own database: db/telemetry.)

CREATE TABLE circuits (
    agent_id   VARCHAR(64)   NOT NULL PRIMARY KEY REFERENCES agents (id),
    state      VARCHAR(16)   NOT NULL,
    trip       VARCHAR(32),
    reason     VARCHAR(4000),
    changed_at BIGINT,
    due_at     BIGINT
);

CREATE TABLE agent_commands (
    seq      BIGINT        NOT NULL PRIMARY KEY,
    agent_id VARCHAR(64)   NOT NULL REFERENCES agents (id),
    command  VARCHAR(16)   NOT NULL,
    reason   VARCHAR(4000),
    actor    VARCHAR(220)  NOT NULL,
    at       BIGINT        NOT NULL
);
CREATE INDEX agent_commands_agent ON agent_commands (agent_id, seq);

CREATE TABLE alerts (
    id         VARCHAR(64)   NOT NULL PRIMARY KEY,
    agent_id   VARCHAR(64)   NOT NULL REFERENCES agents (id),
    kind       VARCHAR(32)   NOT NULL,
    message    VARCHAR(4000) NOT NULL,
    raised_at  BIGINT        NOT NULL,
    cleared_at BIGINT,
    audit_seq  BIGINT        NOT NULL
);
CREATE INDEX alerts_open ON alerts (cleared_at, raised_at);
