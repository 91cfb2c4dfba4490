import { redirect } from '@sveltejs/kit';

import { fetchMe } from '../../lib/session.js';

export const load = async ({ fetch, url }) => {
  const me = await fetchMe(fetch);
  if (!me.authEnabled) redirect(302, '/');
  return { me, returnUrl: url.searchParams.get('returnUrl'), error: url.searchParams.get('error') };
};
