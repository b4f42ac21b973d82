// Writes every grant event to the output channel: the audit trail a user can read and copy.
import type * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { ServiceHost } from '../services/serviceHost';
import { auditLine } from './auditLine';

export class AuditTrail extends Disposable {
  constructor(host: ServiceHost, log: vscode.LogOutputChannel) {
    super();
    this._register(
      host.onGrantEvent((event) => {
        const line = auditLine(event, Date.now());
        if (event.type === 'error') log.error(line);
        else log.info(line);
      }),
    );
  }
}
