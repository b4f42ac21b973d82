import assert from 'node:assert/strict';
import {
  assertValid,
  formatDuration,
  parseDurationMs,
  validateAccessRequest,
  validateAwsTagValue,
  validateAzureRuleName,
  validateCidr,
  validateDescription,
  validateDuration,
  validateJustification,
  validatePolicy,
  validatePort,
  validatePortRange,
  validateProtocol,
  validateSource,
  validateVmRef,
  ValidationError,
  type ValidationResult,
} from '../../../src/engine/validation';
import { accessRequest, jitPolicy } from './builders';

const H = 3_600_000;
const VM = '/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm1';

describe('validation: bad inputs get specific messages', () => {
  const policy = jitPolicy(VM, [
    { port: 22, allowedSourcePrefixes: ['203.0.113.0/24'] },
    { port: 3389, maxDurationMs: 3 * H },
  ]);
  const strictPolicy = jitPolicy(VM, [22], { requireJustification: true });
  const request = (extra: Parameters<typeof accessRequest>[1]) =>
    validateAccessRequest(accessRequest(VM, extra), policy);

  const cases: Array<[string, () => ValidationResult<unknown>, string]> = [
    ['port too high', () => validatePort(70000), 'Port 70000 is out of range: use 1-65535.'],
    ['port zero', () => validatePort(0), 'Port 0 is out of range: use 1-65535.'],
    ['port negative', () => validatePort(-1), 'Port -1 is out of range'],
    ['port fraction', () => validatePort(22.5), 'Port 22.5 is not a whole number'],
    ['port text', () => validatePort('ssh'), 'Port "ssh" is not a number'],
    ['port empty', () => validatePort(''), 'Port is empty'],
    [
      'range reversed',
      () => validatePortRange('2000-1000'),
      'Port range "2000-1000" is reversed: write the lower port first (1000-2000).',
    ],
    ['range out of range', () => validatePortRange('1000-70000'), 'Port 70000 is out of range'],
    ['range garbage', () => validatePortRange('10-20-30'), 'Port "10-20-30" is not a number'],
    [
      'protocol',
      () => validateProtocol('icmp'),
      'Protocol "icmp" is not supported: use tcp, udp or * (both).',
    ],
    ['cidr octet', () => validateCidr('10.0.0.300/24'), '"10.0.0.300/24" is not a valid IPv4 or IPv6 CIDR.'],
    [
      'cidr prefix v4',
      () => validateCidr('10.0.0.0/33'),
      '"10.0.0.0/33" has prefix length /33: IPv4 allows /0 to /32.',
    ],
    ['cidr prefix v6', () => validateCidr('2001:db8::/129'), 'IPv6 allows /0 to /128'],
    ['cidr garbage', () => validateCidr('my-laptop'), '"my-laptop" is not a valid IPv4 or IPv6 CIDR.'],
    ['cidr empty', () => validateCidr('  '), 'Source is empty'],
    ['cidr short v4', () => validateCidr('10.1'), '"10.1" is not a valid'],
    ['duration too long', () => validateDuration('25h'), 'Duration 25h exceeds the maximum of 24h.'],
    ['duration days', () => validateDuration('2d'), 'Duration 2d exceeds the maximum of 24h.'],
    ['duration iso too long', () => validateDuration('P2D'), 'Duration P2D exceeds the maximum of 24h.'],
    ['duration too short', () => validateDuration('2m'), 'Duration 2m is below the minimum of 5m.'],
    ['duration ms too short', () => validateDuration(60_000), 'Duration 1m is below the minimum of 5m.'],
    [
      'duration policy',
      () => validateDuration('4h', 3 * H),
      "Duration 4h exceeds this VM's policy maximum of 3h.",
    ],
    ['duration no unit', () => validateDuration('90'), 'Duration "90" has no unit: write e.g. 90m or 90h.'],
    ['duration garbage', () => validateDuration('soon'), 'Duration "soon" is not valid'],
    ['duration months', () => validateDuration('P1M'), 'uses years or months'],
    ['duration negative iso', () => validateDuration('-PT1H'), 'is negative'],
    [
      'rule name long',
      () => validateAzureRuleName('a'.repeat(81)),
      'is 81 characters long; Azure allows at most 80.',
    ],
    ['rule name start', () => validateAzureRuleName('-ssh'), 'must start with a letter, digit or "_".'],
    ['rule name end', () => validateAzureRuleName('ssh.'), 'must end with a letter, digit or "_".'],
    [
      'rule name chars',
      () => validateAzureRuleName('allow ssh!'),
      'contains " ", "!"; only letters, digits, ".", "-" and "_" are allowed.',
    ],
    ['rule name empty', () => validateAzureRuleName(''), 'Rule name is empty.'],
    [
      'description',
      () => validateDescription('x'.repeat(141)),
      'Description is 141 characters long; Azure allows at most 140.',
    ],
    [
      'tag long',
      () => validateAwsTagValue('x'.repeat(257)),
      'Tag value is 257 characters long; AWS allows at most 256.',
    ],
    ['tag chars', () => validateAwsTagValue('a#b'), 'Tag value contains "#"'],
    ['vm empty', () => validateVmRef(' '), 'VM is not specified'],
    [
      'justification long',
      () => validateJustification('j'.repeat(501), false),
      'Justification is 501 characters long',
    ],
    ['justification newline', () => validateJustification('a\nb', false), 'single line'],
    [
      'justification required',
      () => validateAccessRequest(accessRequest(VM), strictPolicy),
      'A justification is required for this VM',
    ],
    [
      'port not in policy',
      () => request({ ports: [{ port: 8080, protocol: 'tcp' }] }),
      "Port 8080/tcp is not in this VM's JIT policy (allowed: 22/tcp, 3389/tcp).",
    ],
    [
      'protocol not in policy',
      () => request({ ports: [{ port: 22, protocol: 'udp' }] }),
      'Port 22/udp is not in',
    ],
    [
      'source outside policy',
      () => request({ source: '198.51.100.0/24' }),
      'Source 198.51.100.0/24 is not within the allowed sources for port 22/tcp: 203.0.113.0/24.',
    ],
    [
      'source wider than policy',
      () => request({ source: '203.0.112.0/23' }),
      'Source 203.0.112.0/23 is not within',
    ],
    [
      'any source not allowed',
      () => request({ source: '*' }),
      'Source * (any address) is not allowed for port 22/tcp',
    ],
    [
      'request duration over policy',
      () => request({ ports: [{ port: 3389, protocol: 'tcp' }], durationMs: 4 * H }),
      "Duration 4h exceeds this VM's policy maximum of 3h.",
    ],
    [
      'request duplicate port',
      () =>
        request({
          ports: [
            { port: 22, protocol: 'tcp' },
            { port: 22, protocol: 'tcp' },
          ],
        }),
      'Port 22/tcp is requested more than once.',
    ],
    ['request no ports', () => request({ ports: [] }), 'No port requested'],
    [
      'request wrong vm',
      () => validateAccessRequest(accessRequest('vm-other'), policy),
      `The policy given is for VM ${VM}, not vm-other.`,
    ],
    ['request no requester', () => request({ requester: '' }), 'Requester is empty'],
    ['policy no ports', () => validatePolicy(jitPolicy(VM, [])), 'A JIT policy needs at least one port.'],
    [
      'policy duplicate',
      () => validatePolicy(jitPolicy(VM, [22, { port: 22, protocol: '*' }])),
      'Port 22/* appears more than once in the policy (also as 22/tcp).',
    ],
    [
      'policy duration',
      () => validatePolicy(jitPolicy(VM, [{ port: 22, maxDurationMs: 25 * H }])),
      'Port 22/tcp: maximum duration 25h exceeds the maximum of 24h.',
    ],
    [
      'policy short duration',
      () => validatePolicy(jitPolicy(VM, [{ port: 22, maxDurationMs: 60_000 }])),
      'Port 22/tcp: maximum duration 1m is below the minimum of 5m.',
    ],
    [
      'policy bad source',
      () => validatePolicy(jitPolicy(VM, [{ port: 22, allowedSourcePrefixes: ['10.0.0.0/40'] }])),
      '"10.0.0.0/40" has prefix length /40',
    ],
    [
      'policy no sources',
      () => validatePolicy(jitPolicy(VM, [{ port: 22, allowedSourcePrefixes: [] }])),
      'Port 22/tcp has no allowed sources',
    ],
    ['policy bad port', () => validatePolicy(jitPolicy(VM, [70000])), 'Port 70000 is out of range'],
  ];

  it(`has at least 30 cases (${cases.length})`, () => assert.ok(cases.length >= 30));
  for (const [name, run, expected] of cases) {
    it(name, () => {
      const r = run();
      assert.equal(r.ok, false, `${name} should fail`);
      assert.ok(
        r.problems.some((p) => p.includes(expected)),
        `expected a problem containing ${JSON.stringify(expected)}, got ${JSON.stringify(r.problems)}`,
      );
    });
  }
});

describe('validation: good inputs are normalised', () => {
  it('ports, ranges and protocols', () => {
    assert.equal(validatePort('22').value, 22);
    assert.deepEqual(validatePortRange('1000-2000').value, [1000, 2000]);
    assert.deepEqual(validatePortRange('443').value, [443, 443]);
    assert.equal(validateProtocol('TCP').value, 'tcp');
    assert.equal(validateProtocol('*').value, '*');
  });

  it('CIDRs: single addresses become host routes; host bits are cleared with a warning', () => {
    assert.equal(validateCidr('203.0.113.7').value, '203.0.113.7/32');
    assert.equal(validateCidr('2001:db8::7').value, '2001:db8::7/128');
    const r = validateCidr('10.0.0.5/24');
    assert.equal(r.ok, true);
    assert.equal(r.value, '10.0.0.0/24');
    assert.deepEqual(r.warnings, ['"10.0.0.5/24" has host bits set; using 10.0.0.0/24.']);
    assert.equal(validateSource('Any').value, '*');
  });

  it('durations: short and ISO forms', () => {
    const cases: Array<[string, number]> = [
      ['90m', 90 * 60_000],
      ['1h', H],
      ['1h30m', 1.5 * H],
      ['PT3H', 3 * H],
      ['PT1H30M', 1.5 * H],
      ['P1D', 24 * H],
      ['pt15m', 15 * 60_000],
      ['24h', 24 * H],
      ['5m', 5 * 60_000],
    ];
    for (const [text, ms] of cases) {
      assert.equal(parseDurationMs(text).value, ms, text);
      assert.equal(validateDuration(text).ok, true, text);
    }
    assert.equal(validateDuration('3h', 3 * H).ok, true);
    assert.equal(formatDuration(90 * 60_000), '1h30m');
    assert.equal(formatDuration(24 * H), '24h');
    assert.equal(formatDuration(48 * H), '2d');
  });

  it('names and free text at their limits', () => {
    assert.equal(validateAzureRuleName('a'.repeat(80)).ok, true);
    assert.equal(validateAzureRuleName('JitVmAccess-Grant-abc_').ok, true);
    assert.equal(validateAzureRuleName('x').ok, true);
    assert.equal(validateDescription('d'.repeat(140)).ok, true);
    assert.equal(validateAwsTagValue('alice@example.com: fix /var = +1').ok, true);
    assert.equal(validateJustification('j'.repeat(500), true).ok, true);
    assert.equal(validateJustification(undefined, false).value, undefined);
  });

  it('an access request within the policy passes, normalised, and * warns', () => {
    const policy = jitPolicy(VM, [
      { port: 22, protocol: '*', allowedSourcePrefixes: ['203.0.113.0/24', '2001:db8::/32'] },
    ]);
    const r = validateAccessRequest(
      accessRequest(VM, { source: ' 203.0.113.7 ', justification: '  incident 42 ' }),
      policy,
    );
    assert.deepEqual(r.problems, []);
    assert.equal(r.value?.source, '203.0.113.7/32');
    assert.equal(r.value?.justification, 'incident 42');
    const v6 = validateAccessRequest(accessRequest(VM, { source: '2001:db8:1::/48' }), policy);
    assert.equal(v6.ok, true);
    const anyPolicy = jitPolicy(VM, [22]);
    const any = validateAccessRequest(accessRequest(VM, { source: '*' }), anyPolicy);
    assert.equal(any.ok, true);
    assert.ok(any.warnings.some((w) => w.includes('every address')));
  });

  it('reports every problem at once', () => {
    const r = validateAccessRequest(
      accessRequest(VM, {
        ports: [{ port: 70000, protocol: 'tcp' }],
        source: 'nope',
        durationMs: 25 * H,
        requester: '',
      }),
      jitPolicy(VM, [22]),
    );
    assert.equal(r.problems.length, 4, r.problems.join('\n'));
  });

  it('a policy is normalised', () => {
    const r = validatePolicy(
      jitPolicy(VM, [{ port: 22, allowedSourcePrefixes: ['10.0.0.5/24', '10.0.0.0/24'] }]),
    );
    assert.equal(r.ok, true);
    assert.deepEqual(r.value?.ports[0].allowedSourcePrefixes, ['10.0.0.0/24']);
    assert.equal(r.warnings.length, 1);
  });

  it('assertValid returns the value or throws a ValidationError with all problems', () => {
    assert.equal(assertValid(validatePort(22)), 22);
    assert.throws(
      () =>
        assertValid(
          validateAccessRequest(accessRequest(VM, { source: 'x', durationMs: 0 }), jitPolicy(VM, [22])),
        ),
      (e: unknown) => e instanceof ValidationError && e.problems.length === 2 && /2 problems/.test(e.message),
    );
  });
});
