import { fetchCluster, fetchSystemInfo } from '@temporalio/ui/services/cluster-service';
import { fetchNamespaces } from '@temporalio/ui/services/namespaces-service';
import { fetchSettings } from '@temporalio/ui/services/settings-service';
import { getAuthUser } from '@temporalio/ui/stores/auth-user';
import { redirect } from '@sveltejs/kit';

import { fetchMe } from '../../lib/session.js';

// What every page of the official UI reads from the layout data, once signed in (when the server
// requires it).
export const load = async ({ fetch, parent, url }) => {
  await parent();
  const me = await fetchMe(fetch);
  if (me.authEnabled && !me.signedIn) {
    redirect(302, `/login?returnUrl=${encodeURIComponent(url.pathname + url.search)}`);
  }
  const settings = await fetchSettings(fetch);
  fetchNamespaces(settings, fetch); // fills the namespaces store in the background
  const [cluster, systemInfo] = await Promise.all([
    fetchCluster(settings, fetch),
    fetchSystemInfo(settings, fetch),
  ]);
  return { user: getAuthUser(), me, settings, cluster, systemInfo };
};
