-- Users of the web UI (PostgreSQL twin of db/sqlite/V8).
CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  roles         TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    BIGINT NOT NULL
);
