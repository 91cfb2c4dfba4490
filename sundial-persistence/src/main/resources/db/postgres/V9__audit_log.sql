-- The audit log (PostgreSQL twin of db/sqlite/V9).
CREATE TABLE audit_log (
  id         BIGSERIAL PRIMARY KEY,
  time       BIGINT NOT NULL,
  principal  TEXT NOT NULL,
  auth_type  TEXT NOT NULL,
  source     TEXT NOT NULL,
  transport  TEXT NOT NULL,
  namespace  TEXT NOT NULL,
  operation  TEXT NOT NULL,
  target     TEXT NOT NULL,
  request_id TEXT NOT NULL,
  outcome    TEXT NOT NULL,
  message    TEXT
);

CREATE INDEX audit_log_time ON audit_log (time);
CREATE INDEX audit_log_namespace ON audit_log (namespace, id);
CREATE INDEX audit_log_principal ON audit_log (principal, id);
CREATE INDEX audit_log_pending ON audit_log (time) WHERE outcome = 'PENDING';
