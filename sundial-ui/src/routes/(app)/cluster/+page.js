// Sundial's own endpoint: the nodes sharing the database and which node owns each shard.
export const load = async ({ fetch }) => {
  const response = await fetch('/sundial/api/cluster', { credentials: 'include' });
  if (!response.ok) throw new Error(`cluster status: HTTP ${response.status}`);
  return { status: await response.json() };
};
