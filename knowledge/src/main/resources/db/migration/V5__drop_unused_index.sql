-- Nothing reads decisions by time; the index only cost every write.
DROP INDEX decisions_decided_at;
