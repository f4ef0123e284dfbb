-- Rule-set versions carry their test cases; decisions keep the verdict the rules gave, so a
-- backtest compares rules with rules even after a person settled an escalation.
ALTER TABLE rule_sets ADD COLUMN tests VARCHAR(1000000) DEFAULT '[]' NOT NULL;

ALTER TABLE decisions ADD COLUMN rules_verdict VARCHAR(16);
UPDATE decisions SET rules_verdict = CASE WHEN decided_by = 'rules' THEN verdict ELSE 'ESCALATED' END;
ALTER TABLE decisions ALTER COLUMN rules_verdict SET NOT NULL;
CREATE INDEX decisions_decided_at ON decisions (decided_at);
