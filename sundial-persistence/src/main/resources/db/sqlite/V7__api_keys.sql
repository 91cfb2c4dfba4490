-- API keys: only the SHA-256 of each key is kept. roles holds "namespace:role" grants separated
-- by commas ("system:admin" for a system role). A revoked key stays listed; its name may be
-- reused by a new key.
CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  owner      TEXT NOT NULL,
  roles      TEXT NOT NULL,
  key_hash   BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);

CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
