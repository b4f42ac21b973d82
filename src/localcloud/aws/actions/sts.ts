// STS GetCallerIdentity: who the access key belongs to.
import { createHash } from 'node:crypto';
import type { AwsPrincipal } from '../../shared/principals';
import type { ActionTable } from './context';

/** A stable IAM user id (AIDA + 17 upper-case characters) derived from the access key id. */
function userIdOf(p: AwsPrincipal): string {
  return `AIDA${createHash('sha256').update(p.accessKeyId).digest('hex').slice(0, 17).toUpperCase()}`;
}

export function principalArn(p: AwsPrincipal): string {
  return `arn:aws:iam::${p.accountId}:user/${p.name}`;
}

export const stsActions: ActionTable = {
  GetCallerIdentity: {
    service: 'sts',
    class: 'describe',
    prepare:
      ({ principal }) =>
      () => ({ UserId: userIdOf(principal), Account: principal.accountId, Arn: principalArn(principal) }),
  },
};
