import { redirect } from '@sveltejs/kit';
import { routeForWorkflows } from '@temporalio/ui/utilities/route-for';

export const load = async ({ params, parent }) => {
  const { settings } = await parent();
  if (settings?.disableWriteActions || settings?.startWorkflowDisabled) {
    redirect(302, routeForWorkflows({ namespace: params.namespace }));
  }
};
