// Validation of everything a user types, before any cloud call. Messages are shown verbatim: each
// names the bad value and says what would be accepted.
//
// Decisions:
// - A CIDR with host bits set (10.0.0.5/24) is accepted and normalised to its network (10.0.0.0/24),
//   with a warning: the user evidently meant that range, and rejecting it only adds friction.
// - A single address becomes /32 or /128.
// - Durations: ISO-8601 (PT3H, P1D, PT1H30M — no months or years) or short forms (90m, 1h30m, 2d,
//   45s). A bare number has no unit and is rejected.
// - Justification: at most 500 characters, one line. The metadata codec abbreviates it further for
//   storage in the cloud's 140/256-character fields; validation only bounds it.
import { parse as parseIsoDuration } from 'tinyduration';
import { ANY_SOURCE, cidrContainsCidr, parseCidr } from './cidr';
import type { AccessRequest, JitPolicy, JitPortPolicy, JitProtocol, PortSpec } from './model';
import { MAX_DURATION_MS, MIN_DURATION_MS } from './model';

export const JUSTIFICATION_MAX_LENGTH = 500;
export const AZURE_RULE_NAME_MAX_LENGTH = 80;
export const AZURE_DESCRIPTION_MAX_LENGTH = 140;
export const AWS_TAG_VALUE_MAX_LENGTH = 256;

export interface ValidationResult<T = undefined> {
  ok: boolean;
  problems: string[];
  warnings: string[];
  /** The normalised input, when ok. */
  value?: T;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

/** The normalised value, or a ValidationError carrying every problem. */
export function assertValid<T>(result: ValidationResult<T>): T {
  if (!result.ok) throw new ValidationError(result.problems);
  return result.value as T;
}

function result<T>(problems: string[], warnings: string[], value: T): ValidationResult<T> {
  return problems.length === 0 ? { ok: true, problems, warnings, value } : { ok: false, problems, warnings };
}

function fail<T>(problem: string): ValidationResult<T> {
  return { ok: false, problems: [problem], warnings: [] };
}

// ---------------------------------------------------------------- ports and protocols

export function validatePort(input: number | string): ValidationResult<number> {
  const text = String(input).trim();
  if (text === '') return fail('Port is empty: use a number from 1 to 65535.');
  if (!/^-?\d+(\.\d+)?$/.test(text))
    return fail(`Port "${text}" is not a number: use a number from 1 to 65535.`);
  const port = Number(text);
  if (!Number.isInteger(port))
    return fail(`Port ${text} is not a whole number: use a number from 1 to 65535.`);
  if (port < 1 || port > 65535) return fail(`Port ${text} is out of range: use 1-65535.`);
  return result([], [], port);
}

/** 'N' or 'N-M', for the places a range is allowed. */
export function validatePortRange(input: string): ValidationResult<[number, number]> {
  const text = input.trim();
  const m = /^([^-]+)-([^-]+)$/.exec(text);
  if (!m) {
    const single = validatePort(text);
    return single.ok ? result([], [], [single.value!, single.value!]) : fail(single.problems[0]);
  }
  const lo = validatePort(m[1]);
  const hi = validatePort(m[2]);
  const problems = [...lo.problems, ...hi.problems];
  if (problems.length > 0) return { ok: false, problems, warnings: [] };
  if (lo.value! > hi.value!) {
    return fail(`Port range "${text}" is reversed: write the lower port first (${hi.value}-${lo.value}).`);
  }
  return result([], [], [lo.value!, hi.value!]);
}

export function validateProtocol(input: string): ValidationResult<JitProtocol> {
  const p = input.trim().toLowerCase();
  if (p === 'tcp' || p === 'udp' || p === '*') return result([], [], p);
  return fail(`Protocol "${input}" is not supported: use tcp, udp or * (both).`);
}

function portLabel(p: PortSpec): string {
  return `${p.port}/${p.protocol}`;
}

// ---------------------------------------------------------------- addresses

/** An IPv4/IPv6 address or CIDR, normalised; `what` names the field in messages. */
export function validateCidr(input: string, what = 'Source'): ValidationResult<string> {
  const text = input.trim();
  if (text === '')
    return fail(
      `${what} is empty: give an IPv4 or IPv6 address or CIDR, e.g. 203.0.113.7 or 203.0.113.0/24.`,
    );
  const parsed = parseCidr(text);
  if (!parsed) {
    const prefix = /\/(\d+)$/.exec(text);
    const address = text.replace(/\/\d+$/, '');
    const base = parseCidr(address);
    if (prefix && base && !address.includes('/')) {
      const max = base.family === 4 ? 32 : 128;
      return fail(`"${text}" has prefix length /${prefix[1]}: IPv${base.family} allows /0 to /${max}.`);
    }
    return fail(`"${text}" is not a valid IPv4 or IPv6 CIDR.`);
  }
  const warnings = parsed.hostBitsSet ? [`"${text}" has host bits set; using ${parsed.text}.`] : [];
  return result([], warnings, parsed.text);
}

/** A source for a rule or request: '*' (any address) or an address/CIDR. */
export function validateSource(input: string, what = 'Source'): ValidationResult<string> {
  const text = input.trim();
  if (text === ANY_SOURCE || text.toLowerCase() === 'any') return result([], [], ANY_SOURCE);
  return validateCidr(text, what);
}

// ---------------------------------------------------------------- durations

const SHORT_DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i;
const UNIT_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000 };

/** Milliseconds from '90m', '1h30m', '2d', 'PT3H', 'P1DT2H'…; undefined with a problem otherwise. */
export function parseDurationMs(input: string): ValidationResult<number> {
  const text = input.trim();
  if (text === '') return fail('Duration is empty: use e.g. 30m, 1h30m or 3h.');
  if (/^\d+(\.\d+)?$/.test(text))
    return fail(`Duration "${text}" has no unit: write e.g. ${text}m or ${text}h.`);
  const short = SHORT_DURATION.exec(text);
  if (short && short.slice(1).some((g) => g !== undefined)) {
    const [d, h, m, s] = short.slice(1).map((g) => Number(g ?? 0));
    return result([], [], d * UNIT_MS.days + h * UNIT_MS.hours + m * UNIT_MS.minutes + s * UNIT_MS.seconds);
  }
  if (/^-?P/i.test(text)) {
    try {
      const iso = parseIsoDuration(text.toUpperCase());
      if (iso.negative) return fail(`Duration "${text}" is negative.`);
      if (iso.years || iso.months)
        return fail(`Duration "${text}" uses years or months: use days, hours or minutes.`);
      const ms =
        (iso.weeks ?? 0) * 7 * UNIT_MS.days +
        (iso.days ?? 0) * UNIT_MS.days +
        (iso.hours ?? 0) * UNIT_MS.hours +
        (iso.minutes ?? 0) * UNIT_MS.minutes +
        (iso.seconds ?? 0) * UNIT_MS.seconds;
      return result([], [], Math.round(ms));
    } catch {
      // fall through to the generic message
    }
  }
  return fail(`Duration "${text}" is not valid: use e.g. 90m, 1h30m, 3h or ISO-8601 PT3H.`);
}

/** '3h', '1h30m', '90s', '2d'; whole days only when exact and at least 2, so 24h stays '24h'. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return `${ms}ms`;
  const days = Math.floor(ms / UNIT_MS.days);
  if (days >= 2 && ms % UNIT_MS.days === 0) return `${days}d`;
  const h = Math.floor(ms / UNIT_MS.hours);
  const m = Math.floor((ms % UNIT_MS.hours) / UNIT_MS.minutes);
  const s = Math.floor((ms % UNIT_MS.minutes) / UNIT_MS.seconds);
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('');
  return parts || `${ms}ms`;
}

/**
 * A duration between 5 minutes and 24 hours and, when given, at most the policy's maximum. Text is
 * echoed as typed in messages; milliseconds are formatted.
 */
export function validateDuration(input: number | string, policyMaxMs?: number): ValidationResult<number> {
  let ms: number;
  let shown: string;
  if (typeof input === 'string') {
    const parsed = parseDurationMs(input);
    if (!parsed.ok) return parsed;
    ms = parsed.value!;
    shown = input.trim();
  } else {
    if (!Number.isFinite(input)) return fail('Duration is not a number.');
    ms = input;
    shown = formatDuration(ms);
  }
  if (ms < MIN_DURATION_MS)
    return fail(`Duration ${shown} is below the minimum of ${formatDuration(MIN_DURATION_MS)}.`);
  if (ms > MAX_DURATION_MS)
    return fail(`Duration ${shown} exceeds the maximum of ${formatDuration(MAX_DURATION_MS)}.`);
  if (policyMaxMs !== undefined && ms > policyMaxMs) {
    return fail(`Duration ${shown} exceeds this VM's policy maximum of ${formatDuration(policyMaxMs)}.`);
  }
  return result([], [], ms);
}

// ---------------------------------------------------------------- names and free text

/** Azure security rule name: 1-80 characters, word characters . - _, starting with a word character, ending with one or _. */
export function validateAzureRuleName(name: string): ValidationResult<string> {
  if (name === '') return fail('Rule name is empty.');
  const problems: string[] = [];
  if (name.length > AZURE_RULE_NAME_MAX_LENGTH) {
    problems.push(
      `Rule name "${name}" is ${name.length} characters long; Azure allows at most ${AZURE_RULE_NAME_MAX_LENGTH}.`,
    );
  }
  const bad = [...new Set(name.replace(/[\w.-]/g, ''))];
  if (bad.length > 0) {
    const list = bad.map((c) => `"${c}"`).join(', ');
    problems.push(
      `Rule name "${name}" contains ${list}; only letters, digits, ".", "-" and "_" are allowed.`,
    );
  }
  if (!/^\w/.test(name)) problems.push(`Rule name "${name}" must start with a letter, digit or "_".`);
  if (!/\w$/.test(name)) problems.push(`Rule name "${name}" must end with a letter, digit or "_".`);
  return result(problems, [], name);
}

function maxLength(what: string, text: string, max: number, who: string): string | undefined {
  return text.length > max
    ? `${what} is ${text.length} characters long; ${who} allows at most ${max}.`
    : undefined;
}

export function validateDescription(text: string): ValidationResult<string> {
  const problem = maxLength('Description', text, AZURE_DESCRIPTION_MAX_LENGTH, 'Azure');
  return problem ? fail(problem) : result([], [], text);
}

/** AWS tag values: up to 256 of letters, digits, spaces and _ . : / = + - @. */
export function validateAwsTagValue(text: string): ValidationResult<string> {
  const problems: string[] = [];
  const long = maxLength('Tag value', text, AWS_TAG_VALUE_MAX_LENGTH, 'AWS');
  if (long) problems.push(long);
  const bad = [...new Set(text.replace(/[\p{L}\p{N}\s_.:/=+\-@]/gu, ''))];
  if (bad.length > 0) {
    problems.push(
      `Tag value contains ${bad.map((c) => `"${c}"`).join(', ')}; AWS allows letters, digits, spaces and _ . : / = + - @.`,
    );
  }
  return result(problems, [], text);
}

/** A VM's resource id, instance id or name. */
export function validateVmRef(idOrName: string): ValidationResult<string> {
  const text = idOrName.trim();
  return text === '' ? fail('VM is not specified: give its name or id.') : result([], [], text);
}

export function validateJustification(
  text: string | undefined,
  required: boolean,
): ValidationResult<string | undefined> {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') {
    return required
      ? fail('A justification is required for this VM: say why you need access.')
      : result([], [], undefined);
  }
  const problems: string[] = [];
  const long = maxLength('Justification', trimmed, JUSTIFICATION_MAX_LENGTH, 'JIT VM Access');
  if (long) problems.push(long);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed))
    problems.push('Justification must be a single line without tabs or control characters.');
  return result(problems, [], trimmed);
}

// ---------------------------------------------------------------- requests and policies

function protocolsOverlap(a: JitProtocol, b: JitProtocol): boolean {
  return a === '*' || b === '*' || a === b;
}

/** The policy entry that covers a requested port: same port, and the policy's protocol includes the request's. */
function policyPortFor(policy: JitPolicy, p: PortSpec): JitPortPolicy | undefined {
  return policy.ports.find((pp) => pp.port === p.port && (pp.protocol === '*' || pp.protocol === p.protocol));
}

function sourceAllowed(source: string, allowed: readonly string[]): boolean {
  if (allowed.includes(ANY_SOURCE)) return true;
  if (source === ANY_SOURCE) return false;
  return allowed.some((prefix) => cidrContainsCidr(prefix, source));
}

/** Checks a request against the VM's policy; `value` is the request with source and protocols normalised. */
export function validateAccessRequest(
  req: AccessRequest,
  policy: JitPolicy,
): ValidationResult<AccessRequest> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const collect = <T>(r: ValidationResult<T>): T | undefined => {
    problems.push(...r.problems);
    warnings.push(...r.warnings);
    return r.value;
  };

  collect(validateVmRef(req.vmId));
  if (req.vmId.trim() !== '' && req.vmId !== policy.vmId) {
    problems.push(`The policy given is for VM ${policy.vmId}, not ${req.vmId}.`);
  }
  if (req.requester.trim() === '') problems.push('Requester is empty: sign in or give a requester name.');

  const ports: PortSpec[] = [];
  const matched: JitPortPolicy[] = [];
  if (req.ports.length === 0) problems.push('No port requested: choose at least one port.');
  for (const spec of req.ports) {
    const port = collect(validatePort(spec.port));
    const protocol = collect(validateProtocol(spec.protocol));
    if (port === undefined || protocol === undefined) continue;
    const normalised = { port, protocol };
    if (ports.some((p) => p.port === port && protocolsOverlap(p.protocol, protocol))) {
      problems.push(`Port ${portLabel(normalised)} is requested more than once.`);
      continue;
    }
    ports.push(normalised);
    const entry = policyPortFor(policy, normalised);
    if (!entry) {
      const allowed = policy.ports.map((pp) => `${pp.port}/${pp.protocol}`).join(', ') || 'none';
      problems.push(`Port ${portLabel(normalised)} is not in this VM's JIT policy (allowed: ${allowed}).`);
    } else matched.push(entry);
  }

  const policyMax = matched.length > 0 ? Math.min(...matched.map((m) => m.maxDurationMs)) : undefined;
  collect(validateDuration(req.durationMs, policyMax));

  const source = collect(validateSource(req.source));
  if (source !== undefined) {
    for (const entry of matched) {
      if (sourceAllowed(source, entry.allowedSourcePrefixes)) continue;
      const label = `${entry.port}/${entry.protocol}`;
      problems.push(
        source === ANY_SOURCE
          ? `Source * (any address) is not allowed for port ${label} by this VM's policy: give your IP address or range.`
          : `Source ${source} is not within the allowed sources for port ${label}: ${entry.allowedSourcePrefixes.join(', ')}.`,
      );
    }
    const any = source === ANY_SOURCE || source === '0.0.0.0/0' || source === '::/0';
    if (any) warnings.push(`Source ${source} opens the requested ports to every address on the internet.`);
  }
  const justification = collect(validateJustification(req.justification, policy.requireJustification));

  return result(problems, warnings, {
    ...req,
    vmId: req.vmId.trim(),
    ports,
    source: source ?? req.source,
    justification,
  });
}

/** Checks a policy: ports valid and unique, durations 5 min-24 h, sources valid; `value` is normalised. */
export function validatePolicy(policy: JitPolicy): ValidationResult<JitPolicy> {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (policy.vmId.trim() === '') problems.push('VM is not specified: give its name or id.');
  if (policy.ports.length === 0) problems.push('A JIT policy needs at least one port.');
  const ports: JitPortPolicy[] = [];
  for (const entry of policy.ports) {
    const port = validatePort(entry.port);
    const protocol = validateProtocol(entry.protocol);
    problems.push(...port.problems, ...protocol.problems);
    if (!port.ok || !protocol.ok) continue;
    const label = `${port.value}/${protocol.value}`;
    const clash = ports.find((p) => p.port === port.value && protocolsOverlap(p.protocol, protocol.value!));
    if (clash) {
      problems.push(
        `Port ${label} appears more than once in the policy (also as ${clash.port}/${clash.protocol}).`,
      );
      continue;
    }
    const duration = validateDuration(entry.maxDurationMs);
    problems.push(
      ...duration.problems.map((p) => `Port ${label}: maximum ${p[0].toLowerCase()}${p.slice(1)}`),
    );
    if (entry.allowedSourcePrefixes.length === 0)
      problems.push(`Port ${label} has no allowed sources: add '*' or a CIDR.`);
    const sources: string[] = [];
    for (const s of entry.allowedSourcePrefixes) {
      const r = validateSource(s, `Allowed source for port ${label}`);
      problems.push(...r.problems);
      warnings.push(...r.warnings);
      if (r.value !== undefined && !sources.includes(r.value)) sources.push(r.value);
    }
    if (sources.includes(ANY_SOURCE)) warnings.push(`Port ${label} may be requested from any address (*).`);
    ports.push({
      port: port.value!,
      protocol: protocol.value!,
      allowedSourcePrefixes: sources,
      maxDurationMs: entry.maxDurationMs,
    });
  }
  return result(problems, warnings, { ...policy, vmId: policy.vmId.trim(), ports });
}
