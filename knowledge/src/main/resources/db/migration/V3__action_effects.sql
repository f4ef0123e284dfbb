-- Agents declare their tools' effects at registration; operators override an action's effect.
ALTER TABLE agents ADD COLUMN tools VARCHAR(100000) DEFAULT '{}' NOT NULL;

CREATE TABLE action_effects (
    action  VARCHAR(200) NOT NULL PRIMARY KEY,
    effect  VARCHAR(16)  NOT NULL,
    set_by  VARCHAR(220) NOT NULL,
    set_at  BIGINT       NOT NULL
);
