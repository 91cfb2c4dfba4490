// Sundial's audit log: GET /api/v1/sundial/audit with the page's filters.
const FILTERS = ['principal', 'namespace', 'operation', 'target'];

export const load = async ({ fetch, url }) => {
  const query = new URLSearchParams();
  for (const f of FILTERS) {
    const v = url.searchParams.get(f);
    if (v) query.set(f, v);
  }
  const token = url.searchParams.get('nextPageToken');
  if (token) query.set('nextPageToken', token);
  query.set('pageSize', '50');
  const response = await fetch(`/api/v1/sundial/audit?${query}`, { credentials: 'include' });
  const body = await response.json();
  if (!response.ok) return { error: body.message ?? `HTTP ${response.status}`, records: [], filters: {} };
  const filters = Object.fromEntries(FILTERS.map((f) => [f, url.searchParams.get(f) ?? '']));
  return { records: body.records ?? [], nextPageToken: body.nextPageToken ?? '', filters };
};
