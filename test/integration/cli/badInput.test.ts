// Every bad input gets a specific message, a non-zero exit code and ZERO cloud writes (checked in the
// local cloud's traffic log).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { JitCli } from './jitCli';

interface Case {
  name: string;
  args: string[];
  code: number;
  message: RegExp;
  setup?: (cloud: LocalCloud) => void;
  info?: (jit: JitCli) => string;
}

const REQ = ['request', 'web-01'];

const CASES: Case[] = [
  {
    name: 'malformed CIDR',
    args: [...REQ, '--from', '10.0.0.300/24'],
    code: 2,
    message: /not a valid IPv4 or IPv6 CIDR/,
  },
  {
    name: 'CIDR prefix too long',
    args: [...REQ, '--from', '10.0.0.0/33'],
    code: 2,
    message: /prefix length \/33: IPv4 allows \/0 to \/32/,
  },
  {
    name: 'IPv6 prefix too long',
    args: [...REQ, '--from', '2001:db8::/129'],
    code: 2,
    message: /\/129: IPv6 allows \/0 to \/128/,
  },
  {
    name: 'garbage source',
    args: [...REQ, '--from', 'office'],
    code: 2,
    message: /"office" is not a valid IPv4 or IPv6 CIDR/,
  },
  { name: 'port 0', args: [...REQ, '--port', '0'], code: 2, message: /Port 0 is out of range: use 1-65535/ },
  { name: 'port 65536', args: [...REQ, '--port', '65536'], code: 2, message: /Port 65536 is out of range/ },
  { name: 'negative port', args: [...REQ, '--port=-1'], code: 2, message: /Port -1 is out of range/ },
  {
    name: 'port not a number',
    args: [...REQ, '--port', 'ssh'],
    code: 2,
    message: /Port "ssh" is not a number/,
  },
  { name: 'fractional port', args: [...REQ, '--port', '22.5'], code: 2, message: /not a whole number/ },
  {
    name: 'unknown protocol',
    args: [...REQ, '--port', '22/icmp'],
    code: 2,
    message: /Protocol "icmp" is not supported/,
  },
  {
    name: 'malformed port spec',
    args: [...REQ, '--port', '22/tcp/x'],
    code: 2,
    message: /write PORT or PORT\/PROTOCOL/,
  },
  { name: 'duration 0', args: [...REQ, '--for', '0m'], code: 2, message: /below the minimum of 5m/ },
  {
    name: 'duration without unit',
    args: [...REQ, '--for', '30'],
    code: 2,
    message: /has no unit: write e\.g\. 30m/,
  },
  { name: 'duration 25h', args: [...REQ, '--for', '25h'], code: 2, message: /exceeds the maximum of 24h/ },
  {
    name: 'duration over policy',
    args: [...REQ, '--for', '4h'],
    code: 2,
    message: /exceeds this VM's policy maximum of 3h/,
  },
  {
    name: 'ISO duration over policy',
    args: [...REQ, '--for', 'PT3H1M'],
    code: 2,
    message: /policy maximum of 3h/,
  },
  { name: 'duration with months', args: [...REQ, '--for', 'P1M'], code: 2, message: /uses years or months/ },
  {
    name: 'duration garbage',
    args: [...REQ, '--for', 'soon'],
    code: 2,
    message: /Duration "soon" is not valid/,
  },
  {
    name: 'port not in policy',
    args: [...REQ, '--port', '5985'],
    code: 2,
    message: /Port 5985\/tcp is not in this VM's JIT policy \(allowed: 22\/tcp, 3389\/tcp\)/,
  },
  {
    name: 'udp where policy says tcp',
    args: [...REQ, '--port', '22/udp'],
    code: 2,
    message: /Port 22\/udp is not in this VM's JIT policy/,
  },
  {
    name: 'same port twice',
    args: [...REQ, '--port', '22', '--port', '22'],
    code: 2,
    message: /requested more than once/,
  },
  {
    name: 'source outside allowed ranges',
    args: ['request', 'app-01', '--port', '3389', '--from', '198.51.100.7', '--why', 'x'],
    code: 2,
    message:
      /Source 198\.51\.100\.7\/32 is not within the allowed sources for port 3389\/tcp: 203\.0\.113\.0\/24/,
  },
  {
    name: 'justification required',
    args: ['request', 'app-01', '--port', '3389', '--from', '203.0.113.9'],
    code: 2,
    message: /A justification is required for this VM/,
  },
  {
    name: 'any source without confirmation',
    args: [...REQ, '--from', '0.0.0.0/0'],
    code: 2,
    message: /must be confirmed explicitly \(--allow-any-source\)/,
  },
  {
    name: 'any source the policy forbids',
    args: ['request', 'app-01', '--port', '3389', '--from', '*', '--why', 'x', '--allow-any-source'],
    code: 2,
    message: /Source \* \(any address\) is not allowed for port 3389\/tcp/,
  },
  {
    name: 'justification too long',
    args: [...REQ, '--why', 'x'.repeat(501)],
    code: 2,
    message: /Justification is 501 characters long; JIT VM Access allows at most 500/,
  },
  {
    name: 'JIT not enabled',
    args: ['request', 'web-02'],
    code: 2,
    message: /JIT is not enabled on web-02: enable it first/,
  },
  { name: 'unknown VM', args: ['request', 'no-such-vm'], code: 4, message: /No VM "no-such-vm" was found/ },
  {
    name: 'ambiguous name',
    args: ['request', 'web-1'],
    code: 4,
    message: /"web-1" matches 2 VMs; use the id of the one you mean/,
    setup: renameInstance('batch-east-1', 'web-1'),
  },
  { name: 'unknown sub-command', args: ['requets', 'web-01'], code: 2, message: /unknown command 'requets'/ },
  { name: 'missing VM argument', args: ['request'], code: 2, message: /missing required argument 'vm'/ },
  { name: 'unknown option', args: [...REQ, '--portz', '22'], code: 2, message: /unknown option '--portz'/ },
  {
    name: 'enable with bad max',
    args: ['enable', 'web-02', '--max', '2d'],
    code: 2,
    message: /exceeds the maximum of 24h/,
  },
  {
    name: 'enable with bad source',
    args: ['enable', 'web-02', '--source', '10.1.1.1/40'],
    code: 2,
    message: /\/40: IPv4 allows/,
  },
  {
    name: 'revoke without a grant',
    args: ['revoke', 'web-01'],
    code: 4,
    message: /No active grant of yours on web-01 was found/,
  },
  {
    name: 'extend unknown grant',
    args: ['extend', 'deadbeef'],
    code: 4,
    message: /No VM "deadbeef" was found/,
  },
  {
    name: 'unreachable endpoint',
    args: [...REQ],
    code: 5,
    message: /Cannot reach/,
    info: (jit) => {
      const info = JSON.parse(JSON.stringify(jitInfo(jit)));
      info.azure.endpoint = 'https://127.0.0.1:9';
      info.aws.endpoint = 'http://127.0.0.1:9';
      const file = join(jit.dir, 'unreachable.json');
      writeFileSync(file, JSON.stringify(info));
      return file;
    },
  },
  {
    name: 'throttled cloud',
    args: [...REQ],
    code: 5,
    message: /throttl/i,
    setup: (cloud) =>
      void cloud.realism.addFault({
        cloud: 'azure',
        effect: { status: 429, code: 'TooManyRequests', retryAfterSeconds: 0 },
        times: 10_000,
      }),
  },
  {
    name: 'no local cloud description',
    args: [...REQ],
    code: 2,
    message: /No local cloud description at/,
    info: (jit) => join(jit.dir, 'missing.json'),
  },
];

let infoOf: (jit: JitCli) => unknown;
function jitInfo(jit: JitCli): unknown {
  return infoOf(jit);
}

function renameInstance(from: string, to: string): (cloud: LocalCloud) => void {
  return (cloud) => {
    const text = JSON.stringify(cloud.state()).replace(`"Name":"${from}"`, `"Name":"${to}"`);
    cloud.load(JSON.parse(text));
  };
}

describe('jit CLI: bad input is refused before any cloud write', function () {
  this.timeout(180_000);
  let cloud: LocalCloud;
  let jit: JitCli;
  let pristine: ReturnType<LocalCloud['state']>;

  before(async () => {
    cloud = await startLocalCloud({ world: 'demo' });
    jit = new JitCli(cloud);
    infoOf = () => cloud.info;
    for (const args of [
      ['enable', 'web-01', '-p', '22', '-p', '3389', '--max', '3h'],
      [
        'enable',
        'app-01',
        '-p',
        '3389',
        '--max',
        '1h',
        '--source',
        '203.0.113.0/24',
        '--require-justification',
      ],
    ]) {
      const r = await jit.run(args);
      assert.equal(r.code, 0, r.stderr);
    }
    pristine = cloud.state();
  });
  after(() => cloud?.stop());

  it(`has at least 30 cases (${CASES.length})`, () => assert.ok(CASES.length >= 30));

  for (const c of CASES) {
    it(`${c.name}: exit ${c.code}, specific message, no writes`, async () => {
      cloud.load(pristine);
      cloud.realism.clearFaults();
      c.setup?.(cloud);
      const since = cloud.traffic.nextSequence;
      const r = await jit.run(c.args, c.info ? c.info(jit) : jit.infoFile);
      cloud.realism.clearFaults();
      assert.equal(r.code, c.code, `exit code; stderr: ${r.stderr}`);
      assert.match(r.stderr, c.message);
      assert.deepEqual(cloud.traffic.writes({ since }), [], 'no cloud writes');
    });
  }
});
