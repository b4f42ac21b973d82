/*
 * Metadata codec: how every rule and group this project creates describes itself in the cloud, so
 * any copy of the tool (another user's editor, the CLI on a schedule) can find it, reconstruct the
 * JIT policy and the active grants, and remove what has expired — with no local state.
 *
 * Naming (stable prefixes so infrastructure-as-code can ignore our rules, e.g. Terraform
 * `lifecycle { ignore_changes }` or a name filter on `JitVmAccess-*`):
 *   Azure NSG deny rule    JitVmAccess-Deny-<proto>-<vmKey>-<vmName>            (one per NSG and protocol)
 *   Azure NSG allow rule   JitVmAccess-Grant-<grantId>-<proto>-<vmKey>-<vmName> (one per NSG and protocol)
 *   Azure Firewall DNAT    JitVmAccess-Grant-<grantId>-<port><proto>-<vmKey>-<vmName> in collection JitVmAccess-DNAT
 *   AWS JIT group          JitVmAccess-<instanceId>                 (tags jit-vm-access:*)
 *   AWS copy of a shared   JitVmAccess-Copy-<originalGroupId>-<instanceId>
 *   <proto> is t (TCP), u (UDP) or a (both); <vmKey> is FNV-1a of the VM id (8 hex), so two VMs with
 *   the same name in different resource groups never collide; <vmName> is truncated to fit 80 chars.
 *
 * Azure descriptions (<= 140 chars), space-separated `key=value` tokens after a version header:
 *   deny   `JitVmAccess/1 deny k=<vmKey> p=22t,3389t~3h~* p=5985t~1h~10.0.0.0/8,192.0.2.0/24 j=1`
 *          p = ports (port + t/u/a) ~ max duration ~ allowed sources; several p= when they differ;
 *          j = justification required. Every deny rule carries the WHOLE policy, so any one suffices.
 *   grant  `JitVmAccess/1 grant k=<vmKey> g=<grantId> n=<parts> x=<YYYYMMDDTHHMMSSZ> by=<requester> j=<why>`
 *          n = how many rules the grant consists of (all NSGs and firewalls), so a sweep can tell an
 *          interrupted write from a complete one; `by` is %-escaped; `j` is the rest of the text,
 *          abbreviated with "..." to fit. A requester too long to fit is abbreviated the same way.
 * If the policy does not fit in 140 characters (many allowed source ranges) the planner refuses with a
 * clear message naming the length: we do not split a policy over several rules, because a partial
 * copy of a split policy would be indistinguishable from a smaller policy.
 *
 * AWS tags (key <= 128, value <= 256 chars): jit-vm-access:kind = jit-group | copy-group | grant,
 * :vm (instance id), :vm-name, :policy (same encoding as above, <= 256 chars), :copy-of, :grant,
 * :expires, :requester, :justification, :parts, and :restore.<n> chunks of a JSON restore record (the
 * rules revoked from the instance's own groups and each interface's original groups), so that
 * disable restores exactly and a sweep can finish an interrupted enable/disable.
 *
 * Defender's own rules are recognised (origin 'defender'): `SecurityCenter-JITRule` or
 * `MicrosoftDefenderForCloud-JITRule` followed by `_` (deny, on enable) or `-` (allow, on request).
 * Decoding never throws: anything unrecognised is simply not ours.
 */
import { vmKeyOf } from './hash';
import type { JitPortPolicy, JitProtocol, SgRule } from './model';

export { vmKeyOf };

export const NAME_PREFIX = 'JitVmAccess';
export const DENY_PREFIX = `${NAME_PREFIX}-Deny-`;
export const GRANT_PREFIX = `${NAME_PREFIX}-Grant-`;
export const DNAT_COLLECTION = `${NAME_PREFIX}-DNAT`;
export const TAG_PREFIX = 'jit-vm-access:';
const HEADER = `${NAME_PREFIX}/1`;

export const AZURE_RULE_NAME_MAX = 80;
export const AZURE_DESCRIPTION_MAX = 140;
export const AWS_TAG_KEY_MAX = 128;
export const AWS_TAG_VALUE_MAX = 256;
export const AWS_GROUP_NAME_MAX = 255;
export const AWS_GROUP_DESCRIPTION_MAX = 255;
/** AWS allows 50 tags per resource; we keep a margin for the user's own tags. */
const AWS_RESTORE_CHUNKS_MAX = 40;

export type JitOrigin = 'jit-vm-access' | 'defender';
export type JitKind = 'deny' | 'grant' | 'group';

/** A JIT policy without the VM it belongs to (the VM is known from where the metadata was found). */
export interface JitPolicyBody {
  ports: JitPortPolicy[];
  requireJustification: boolean;
}

/** What the metadata of one rule or group says. Fields are present where the kind has them. */
export interface JitRuleMeta {
  kind: JitKind;
  origin: JitOrigin;
  /** FNV-1a key of the VM id (ours). */
  vmKey?: string;
  /** AWS: the instance id, recorded in full. */
  vmId?: string;
  /** AWS tag, or the VM name in a Defender description. */
  vmName?: string;
  /** Deny rules and AWS JIT groups. */
  policy?: JitPolicyBody;
  grantId?: string;
  /** Epoch milliseconds (whole seconds). */
  expiresAt?: number;
  requester?: string;
  justification?: string;
  /** How many cloud rules make up the whole grant. */
  parts?: number;
  /** AWS groups: the instance's JIT group, or a per-instance copy of a shared group. */
  groupRole?: 'jit' | 'copy';
  /** AWS copy groups: the id of the shared group it replaces on this instance. */
  copyOf?: string;
}

/** A planning request the metadata cannot express within the cloud's limits. */
export class MetadataLimitError extends Error {
  override name = 'MetadataLimitError';
}

// ---------------------------------------------------------------- small codecs

const PROTO_CODE: Record<JitProtocol, string> = { tcp: 't', udp: 'u', '*': 'a' };
const CODE_PROTO: Record<string, JitProtocol> = { t: 'tcp', u: 'udp', a: '*' };

export function protocolCode(protocol: JitProtocol): string {
  return PROTO_CODE[protocol];
}

const UNITS: [string, number][] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** 3h, 90m, 45s, 1500ms: the largest unit that divides the duration exactly. */
export function encodeDuration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function decodeDuration(text: string): number | undefined {
  const m = /^(\d+)(h|m|s|ms)$/.exec(text);
  if (!m) return undefined;
  const size = m[2] === 'ms' ? 1 : UNITS.find(([u]) => u === m[2])![1];
  return Number(m[1]) * size;
}

/** Compact UTC `YYYYMMDDTHHMMSSZ`; sub-second precision is dropped (rounded down, never later). */
export function encodeUtc(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}

export function decodeUtc(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Policy text: `p=` groups of ports sharing duration and sources, then `j=0|1`. */
export function encodePolicy(policy: JitPolicyBody): string {
  const groups = new Map<string, string[]>();
  for (const p of policy.ports) {
    const tail = `${encodeDuration(p.maxDurationMs)}~${p.allowedSourcePrefixes.join(',')}`;
    const list = groups.get(tail) ?? [];
    list.push(`${p.port}${PROTO_CODE[p.protocol]}`);
    groups.set(tail, list);
  }
  const parts = [...groups].map(([tail, ports]) => `p=${ports.join(',')}~${tail}`);
  return [...parts, `j=${policy.requireJustification ? 1 : 0}`].join(' ');
}

export function decodePolicy(tokens: string[]): JitPolicyBody | undefined {
  const ports: JitPortPolicy[] = [];
  let requireJustification: boolean | undefined;
  for (const token of tokens) {
    if (token.startsWith('p=')) {
      const [list, duration, sources] = token.slice(2).split('~');
      const maxDurationMs = decodeDuration(duration ?? '');
      if (!list || maxDurationMs === undefined || !sources) return undefined;
      for (const item of list.split(',')) {
        const m = /^(\d{1,5})([tua])$/.exec(item);
        if (!m || Number(m[1]) > 65535) return undefined;
        ports.push({
          port: Number(m[1]),
          protocol: CODE_PROTO[m[2]],
          allowedSourcePrefixes: sources.split(','),
          maxDurationMs,
        });
      }
    } else if (token === 'j=0' || token === 'j=1') {
      requireJustification = token === 'j=1';
    }
  }
  if (ports.length === 0 || requireJustification === undefined) return undefined;
  return { ports, requireJustification };
}

function escapeValue(text: string): string {
  return text.replace(/%/g, '%25').replace(/ /g, '%20');
}

function unescapeValue(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Free text on one line, abbreviated with "..." to at most `max` characters. */
export function abbreviate(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return max <= 3 ? '' : `${flat.slice(0, max - 3)}...`;
}

/** A VM name reduced to the characters an Azure rule name allows. */
function nameSafe(text: string): string {
  return text.replace(/[^\w.-]/g, '_');
}

/** Joins name parts and truncates the last (the VM name) so the result is a valid rule name. */
function ruleName(fixed: string, vmName: string): string {
  const room = AZURE_RULE_NAME_MAX - fixed.length - 1;
  const tail = nameSafe(vmName)
    .slice(0, Math.max(0, room))
    .replace(/[.-]+$/, '');
  return tail ? `${fixed}-${tail}` : fixed;
}

// ---------------------------------------------------------------- Azure

export function azureDenyRuleName(vmKey: string, vmName: string, protocol: JitProtocol): string {
  return ruleName(`${DENY_PREFIX}${PROTO_CODE[protocol]}-${vmKey}`, vmName);
}

/** `part` is t/u/a for an NSG rule, or `<port><t|u>` for a firewall DNAT rule. */
export function azureGrantRuleName(grantId: string, part: string, vmKey: string, vmName: string): string {
  return ruleName(`${GRANT_PREFIX}${grantId}-${part}-${vmKey}`, vmName);
}

export function azureDenyDescription(vmKey: string, policy: JitPolicyBody): string {
  const text = `${HEADER} deny k=${vmKey} ${encodePolicy(policy)}`;
  if (text.length > AZURE_DESCRIPTION_MAX) {
    throw new MetadataLimitError(
      `The JIT policy needs ${text.length} characters of rule description, but Azure allows ` +
        `${AZURE_DESCRIPTION_MAX}. Use fewer allowed source ranges (summarise them into wider CIDRs) or fewer ` +
        `distinct durations.`,
    );
  }
  return text;
}

export interface GrantMetaInput {
  vmKey: string;
  grantId: string;
  parts: number;
  expiresAt: number;
  requester: string;
  justification?: string;
}

export function azureGrantDescription(g: GrantMetaInput): string {
  const fixed = `${HEADER} grant k=${g.vmKey} g=${g.grantId} n=${g.parts} x=${encodeUtc(g.expiresAt)} by=`;
  const why = g.justification ? abbreviate(g.justification, 1000) : '';
  const requesterRoom = AZURE_DESCRIPTION_MAX - fixed.length - (why ? Math.min(why.length + 3, 23) : 0);
  let by = escapeValue(g.requester);
  if (by.length > requesterRoom) by = `${by.slice(0, requesterRoom - 3).replace(/%[0-9A-F]?$/, '')}...`;
  const head = fixed + by;
  if (!why) return head;
  const room = AZURE_DESCRIPTION_MAX - head.length - 3;
  return room > 0 ? `${head} j=${abbreviate(why, room)}` : head;
}

const DEFENDER_NAME = /^(?:SecurityCenter|MicrosoftDefenderForCloud)-JITRule([_-])/;
const DEFENDER_VM = /of VM '([^']*)'/;

/** What a rule's name and description say about it, or undefined when it is not a JIT rule. */
export function decodeAzureRule(rule: { name: string; description?: string }): JitRuleMeta | undefined {
  const defender = DEFENDER_NAME.exec(rule.name);
  if (defender) {
    const vmName = DEFENDER_VM.exec(rule.description ?? '')?.[1];
    return {
      kind: defender[1] === '_' ? 'deny' : 'grant',
      origin: 'defender',
      ...(vmName ? { vmName } : {}),
    };
  }
  if (!rule.name.startsWith(DENY_PREFIX) && !rule.name.startsWith(GRANT_PREFIX)) return undefined;
  const text = rule.description ?? '';
  if (!text.startsWith(`${HEADER} `)) return undefined;
  const jAt = text.indexOf(' j=');
  const tokens = text.split(' ');
  const kind = tokens[1];
  const fields = new Map<string, string>();
  for (const t of tokens.slice(2)) {
    const eq = t.indexOf('=');
    if (eq > 0 && !fields.has(t.slice(0, eq))) fields.set(t.slice(0, eq), t.slice(eq + 1));
  }
  const vmKey = fields.get('k');
  if (!vmKey || !/^[0-9a-f]{8}$/.test(vmKey)) return undefined;
  if (kind === 'deny' && rule.name.startsWith(DENY_PREFIX)) {
    const policy = decodePolicy(tokens.slice(2));
    return policy ? { kind: 'deny', origin: 'jit-vm-access', vmKey, policy } : undefined;
  }
  if (kind !== 'grant' || !rule.name.startsWith(GRANT_PREFIX)) return undefined;
  const grantId = fields.get('g');
  const parts = Number(fields.get('n'));
  const expiresAt = decodeUtc(fields.get('x') ?? '');
  const by = fields.get('by');
  if (!grantId || !Number.isInteger(parts) || parts < 1 || expiresAt === undefined || by === undefined) {
    return undefined;
  }
  const justification = jAt >= 0 && kind === 'grant' ? text.slice(jAt + 3) : undefined;
  return {
    kind: 'grant',
    origin: 'jit-vm-access',
    vmKey,
    grantId,
    parts,
    expiresAt,
    requester: unescapeValue(by),
    ...(justification ? { justification } : {}),
  };
}

// ---------------------------------------------------------------- AWS

export const TAG = {
  kind: `${TAG_PREFIX}kind`,
  vm: `${TAG_PREFIX}vm`,
  vmName: `${TAG_PREFIX}vm-name`,
  policy: `${TAG_PREFIX}policy`,
  copyOf: `${TAG_PREFIX}copy-of`,
  grant: `${TAG_PREFIX}grant`,
  expires: `${TAG_PREFIX}expires`,
  requester: `${TAG_PREFIX}requester`,
  justification: `${TAG_PREFIX}justification`,
  parts: `${TAG_PREFIX}parts`,
  restore: `${TAG_PREFIX}restore.`,
} as const;

/** What disable needs to put back exactly: rules revoked from the instance's own groups, and each
 * interface's original group list (in order). Recorded on the JIT group. */
export interface AwsRestoreRecord {
  revoked: { groupId: string; rule: SgRule }[];
  interfaceGroups: Record<string, string[]>;
}

function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

export function awsJitGroupName(instanceId: string): string {
  return `${NAME_PREFIX}-${instanceId}`.slice(0, AWS_GROUP_NAME_MAX);
}

export function awsCopyGroupName(originalGroupId: string, instanceId: string): string {
  return `${NAME_PREFIX}-Copy-${originalGroupId}-${instanceId}`.slice(0, AWS_GROUP_NAME_MAX);
}

export function awsJitGroupDescription(instanceId: string, vmName: string): string {
  return abbreviate(
    ascii(`JIT VM Access: just-in-time access for ${instanceId} (${vmName}). Managed by jit-vm-access.`),
    AWS_GROUP_DESCRIPTION_MAX,
  );
}

export function awsCopyGroupDescription(
  originalGroupId: string,
  instanceId: string,
  original: string,
): string {
  return abbreviate(
    ascii(
      `JIT VM Access copy of ${originalGroupId} for ${instanceId} (shared group left unchanged): ${original}`,
    ),
    AWS_GROUP_DESCRIPTION_MAX,
  );
}

function restoreTags(record: AwsRestoreRecord): Record<string, string> {
  const json = JSON.stringify(record);
  const chunks = Math.ceil(json.length / AWS_TAG_VALUE_MAX);
  if (chunks > AWS_RESTORE_CHUNKS_MAX) {
    throw new MetadataLimitError(
      `The restore record for this instance needs ${json.length} characters, more than ${AWS_RESTORE_CHUNKS_MAX} ` +
        `tags of ${AWS_TAG_VALUE_MAX} can hold. Remove unused rules for the JIT ports from its security groups first.`,
    );
  }
  const tags: Record<string, string> = {};
  for (let i = 0; i < chunks; i++)
    tags[`${TAG.restore}${i}`] = json.slice(i * AWS_TAG_VALUE_MAX, (i + 1) * AWS_TAG_VALUE_MAX);
  return tags;
}

export function decodeAwsRestore(tags: Record<string, string>): AwsRestoreRecord | undefined {
  let json = '';
  for (let i = 0; tags[`${TAG.restore}${i}`] !== undefined; i++) json += tags[`${TAG.restore}${i}`];
  if (!json) return undefined;
  try {
    const parsed = JSON.parse(json) as AwsRestoreRecord;
    return Array.isArray(parsed.revoked) && typeof parsed.interfaceGroups === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function awsJitGroupTags(
  instanceId: string,
  vmName: string,
  policy: JitPolicyBody,
  restore: AwsRestoreRecord,
): Record<string, string> {
  const policyText = encodePolicy(policy);
  if (policyText.length > AWS_TAG_VALUE_MAX) {
    throw new MetadataLimitError(
      `The JIT policy needs ${policyText.length} characters, but an AWS tag value holds ${AWS_TAG_VALUE_MAX}. ` +
        `Use fewer allowed source ranges (summarise them into wider CIDRs).`,
    );
  }
  return {
    Name: awsJitGroupName(instanceId),
    [TAG.kind]: 'jit-group',
    [TAG.vm]: instanceId,
    [TAG.vmName]: abbreviate(vmName, AWS_TAG_VALUE_MAX),
    [TAG.policy]: policyText,
    ...restoreTags(restore),
  };
}

export function awsCopyGroupTags(
  instanceId: string,
  vmName: string,
  originalGroupId: string,
): Record<string, string> {
  return {
    Name: awsCopyGroupName(originalGroupId, instanceId),
    [TAG.kind]: 'copy-group',
    [TAG.vm]: instanceId,
    [TAG.vmName]: abbreviate(vmName, AWS_TAG_VALUE_MAX),
    [TAG.copyOf]: originalGroupId,
  };
}

export function awsGrantTags(instanceId: string, g: GrantMetaInput): Record<string, string> {
  return {
    [TAG.kind]: 'grant',
    [TAG.vm]: instanceId,
    [TAG.grant]: g.grantId,
    [TAG.parts]: String(g.parts),
    [TAG.expires]: encodeUtc(g.expiresAt),
    [TAG.requester]: abbreviate(g.requester, AWS_TAG_VALUE_MAX),
    ...(g.justification ? { [TAG.justification]: abbreviate(g.justification, AWS_TAG_VALUE_MAX) } : {}),
  };
}

/** What a group's or rule's tags say about it, or undefined when it is not ours. */
export function decodeAwsTags(tags: Record<string, string>): JitRuleMeta | undefined {
  const kind = tags[TAG.kind];
  const vmId = tags[TAG.vm];
  if (!vmId) return undefined;
  const base = { origin: 'jit-vm-access' as const, vmId, vmKey: vmKeyOf(vmId) };
  const vmName = tags[TAG.vmName];
  if (kind === 'jit-group') {
    const policy = decodePolicy((tags[TAG.policy] ?? '').split(' '));
    return policy
      ? { ...base, kind: 'group', groupRole: 'jit', policy, ...(vmName ? { vmName } : {}) }
      : undefined;
  }
  if (kind === 'copy-group') {
    const copyOf = tags[TAG.copyOf];
    return copyOf
      ? { ...base, kind: 'group', groupRole: 'copy', copyOf, ...(vmName ? { vmName } : {}) }
      : undefined;
  }
  if (kind === 'grant') {
    const grantId = tags[TAG.grant];
    const expiresAt = decodeUtc(tags[TAG.expires] ?? '');
    const parts = Number(tags[TAG.parts]);
    if (!grantId || expiresAt === undefined || !Number.isInteger(parts) || parts < 1) return undefined;
    const justification = tags[TAG.justification];
    return {
      ...base,
      kind: 'grant',
      grantId,
      expiresAt,
      parts,
      requester: tags[TAG.requester] ?? '',
      ...(justification ? { justification } : {}),
    };
  }
  return undefined;
}
