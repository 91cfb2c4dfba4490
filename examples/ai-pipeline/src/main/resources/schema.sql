CREATE TABLE IF NOT EXISTS requests (
  id VARCHAR(64) PRIMARY KEY,
  user_id VARCHAR(200) NOT NULL,
  data TEXT NOT NULL,
  status VARCHAR(20) NOT NULL,
  result TEXT,
  error TEXT,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
