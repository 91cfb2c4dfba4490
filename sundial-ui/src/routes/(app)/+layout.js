import { fetchCluster, fetchSystemInfo } from '@temporalio/ui/services/cluster-service';
import { fetchNamespaces } from '@temporalio/ui/services/namespaces-service';
import { fetchSettings } from '@temporalio/ui/services/settings-service';
import { getAuthUser } from '@temporalio/ui/stores/auth-user';

// What every page of the official UI reads from the layout data.
export const load = async ({ fetch, parent }) => {
  await parent();
  const settings = await fetchSettings(fetch);
  fetchNamespaces(settings, fetch); // fills the namespaces store in the background
  const [cluster, systemInfo] = await Promise.all([
    fetchCluster(settings, fetch),
    fetchSystemInfo(settings, fetch),
  ]);
  return { user: getAuthUser(), settings, cluster, systemInfo };
};
