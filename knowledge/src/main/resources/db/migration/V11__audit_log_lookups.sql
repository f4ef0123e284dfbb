-- The audit log is read by who and what an entry is about (an agent's or a task's timeline) and
-- filtered by type, actor and subject in the console; each lookup walks its index by position.
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_type ON audit_log (type, seq);
