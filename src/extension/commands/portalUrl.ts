// Where a VM lives in the Azure portal or the AWS console.
import type { Vm } from '../../engine/model';

export function portalUrl(vm: Vm): string {
  if (vm.cloud === 'azure') return `https://portal.azure.com/#resource${vm.id}/overview`;
  const region = encodeURIComponent(vm.scope.region);
  return `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#InstanceDetails:instanceId=${encodeURIComponent(vm.id)}`;
}
