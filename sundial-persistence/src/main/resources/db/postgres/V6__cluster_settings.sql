-- Cluster settings shared by every node through the database. internal_secret: the random token a
-- node presents on node-to-node calls, so only holders of database access can make them.
CREATE TABLE cluster_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
