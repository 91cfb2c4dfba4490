-- Users of the web UI: a slow hash of the password (bcrypt, encoded with its cost) and roles as
-- "namespace:role" grants separated by commas.
CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  roles         TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
