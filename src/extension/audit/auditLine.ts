// One line of the output channel's audit trail per grant event.
import type { Grant } from '../../engine/model';
import type { GrantEvent } from '../../grants/api';
import { formatCountdown } from '../time/countdown';
import { portText } from '../tree/nodes/vmNode';

function grantText(g: Grant): string {
  const why = g.justification ? ` "${g.justification}"` : '';
  return `${g.vmName} ${g.ports.map(portText).join(',')} from ${g.source} for ${g.requester} until ${new Date(g.expiresAt).toISOString()} [${g.id}]${why}`;
}

export function auditLine(event: GrantEvent, now: number): string {
  const at = new Date(now).toISOString();
  switch (event.type) {
    case 'granted':
      return `${at} GRANTED  ${grantText(event.grant)}`;
    case 'extended':
      return `${at} EXTENDED ${grantText(event.grant)}`;
    case 'revoked':
      return `${at} REVOKED  (${event.reason}) ${grantText(event.grant)}`;
    case 'policyChanged':
      return `${at} POLICY   ${event.cloud} ${event.vmId}`;
    case 'expiring':
      return `${at} EXPIRING in ${formatCountdown(event.msLeft)} ${grantText(event.grant)}`;
    case 'error':
      return `${at} ERROR    ${event.operation}${event.vmId ? ` ${event.vmId}` : ''}: ${event.message}`;
  }
}
