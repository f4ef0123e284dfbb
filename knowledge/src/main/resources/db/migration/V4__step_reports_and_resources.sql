-- What agents report of their approved steps, and the resources they created: every resource
-- not in this table counts as created by a person.
CREATE TABLE step_reports (
    plan_id     VARCHAR(64)      NOT NULL REFERENCES plans (id),
    step_id     VARCHAR(100)     NOT NULL,
    agent_id    VARCHAR(64)      NOT NULL REFERENCES agents (id),
    status      VARCHAR(16)      NOT NULL,
    body        VARCHAR(1000000) NOT NULL,
    reported_at BIGINT           NOT NULL,
    PRIMARY KEY (plan_id, step_id)
);

CREATE TABLE resources (
    target      VARCHAR(2000) NOT NULL PRIMARY KEY,
    kind        VARCHAR(32)   NOT NULL,
    created_by  VARCHAR(64)   NOT NULL REFERENCES agents (id),
    plan_id     VARCHAR(64)   NOT NULL,
    step_id     VARCHAR(100)  NOT NULL,
    created_at  BIGINT        NOT NULL
);
