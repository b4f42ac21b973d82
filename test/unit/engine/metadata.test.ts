import assert from 'node:assert/strict';
import {
  MetadataLimitError,
  azureDenyDescription,
  azureDenyRuleName,
  azureGrantDescription,
  azureGrantRuleName,
  decodeAwsRestore,
  decodeAwsTags,
  decodeAzureRule,
  awsJitGroupTags,
  awsGrantTags,
  vmKeyOf,
} from '../../../src/engine/metadata';
import type { JitPolicyBody } from '../../../src/engine/metadata';

const policy: JitPolicyBody = {
  ports: [
    { port: 22, protocol: 'tcp', allowedSourcePrefixes: ['*'], maxDurationMs: 3 * 3_600_000 },
    {
      port: 53,
      protocol: 'udp',
      allowedSourcePrefixes: ['10.0.0.0/8', '2001:db8::/32'],
      maxDurationMs: 90 * 60_000,
    },
  ],
  requireJustification: true,
};

describe('metadata codec', () => {
  it('encodes a deny rule compactly and decodes the whole policy back', () => {
    const description = azureDenyDescription('abcd1234', policy);
    assert.equal(
      description,
      'JitVmAccess/1 deny k=abcd1234 p=22t~3h~* p=53u~90m~10.0.0.0/8,2001:db8::/32 j=1',
    );
    const meta = decodeAzureRule({ name: azureDenyRuleName('abcd1234', 'vm1', 'tcp'), description });
    assert.deepEqual(meta, { kind: 'deny', origin: 'jit-vm-access', vmKey: 'abcd1234', policy });
  });

  it('refuses a policy that does not fit the 140-character description, saying why', () => {
    const many = {
      ...policy,
      ports: [
        {
          ...policy.ports[0],
          allowedSourcePrefixes: Array.from({ length: 12 }, (_, i) => `198.51.${i}.0/24`),
        },
      ],
    };
    assert.throws(
      () => azureDenyDescription('abcd1234', many),
      (e: unknown) =>
        e instanceof MetadataLimitError &&
        /needs \d+ characters of rule description, but Azure allows 140/.test(e.message),
    );
  });

  it('round-trips a grant, abbreviating a long justification to fit', () => {
    const expiresAt = Date.UTC(2025, 0, 2, 3, 4, 5);
    const description = azureGrantDescription({
      vmKey: 'abcd1234',
      grantId: '0badf00d',
      parts: 2,
      expiresAt,
      requester: 'Alice Smith <alice@example.com>',
      justification: 'x'.repeat(300),
    });
    assert.ok(description.length <= 140);
    const meta = decodeAzureRule({
      name: azureGrantRuleName('0badf00d', 't', 'abcd1234', 'vm1'),
      description,
    });
    assert.equal(meta?.kind, 'grant');
    assert.equal(meta?.requester, 'Alice Smith <alice@example.com>');
    assert.equal(meta?.expiresAt, expiresAt);
    assert.equal(meta?.parts, 2);
    assert.match(meta?.justification ?? '', /^x+\.\.\.$/);
  });

  it('keeps rule names within 80 valid characters and apart for same-named VMs in different groups', () => {
    const long = azureGrantRuleName('0badf00d', 't', 'abcd1234', 'v'.repeat(100) + '.');
    assert.ok(long.length <= 80 && /^\w[\w.-]*\w$/.test(long));
    const a = vmKeyOf('/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/web');
    const b = vmKeyOf('/subscriptions/s/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/web');
    assert.notEqual(azureDenyRuleName(a, 'web', 'tcp'), azureDenyRuleName(b, 'web', 'tcp'));
    assert.equal(vmKeyOf('/SUBSCRIPTIONS/S/x'), vmKeyOf('/subscriptions/s/X'));
  });

  it("recognises Defender's deny and allow rules by the separator after the prefix", () => {
    assert.deepEqual(
      decodeAzureRule({
        name: 'SecurityCenter-JITRule_123456_0123456789abcdef0123456789abcdef',
        description: "ASC JIT Network Access rule for policy 'default' of VM 'WIN'.",
      }),
      { kind: 'deny', origin: 'defender', vmName: 'WIN' },
    );
    assert.deepEqual(
      decodeAzureRule({ name: 'MicrosoftDefenderForCloud-JITRule-123456_0123456789abcdef0123456789abcdef' }),
      { kind: 'grant', origin: 'defender' },
    );
    assert.equal(
      decodeAzureRule({ name: 'AllowSSH', description: 'JitVmAccess/1 deny k=abcd1234 p=22t~3h~* j=0' }),
      undefined,
    );
    assert.equal(
      decodeAzureRule({ name: 'JitVmAccess-Deny-t-abcd1234-vm', description: 'hand edited' }),
      undefined,
    );
  });

  it('AWS tags carry the policy, the restore record and grant metadata within the tag limits', () => {
    const restore = {
      revoked: [
        {
          groupId: 'sg-1',
          rule: {
            isEgress: false,
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            cidrIpv4: '0.0.0.0/0',
            description: 'd'.repeat(250),
          },
        },
      ],
      interfaceGroups: { 'eni-1': ['sg-1', 'sg-2'] },
    };
    const tags = awsJitGroupTags('i-1', 'web', policy, restore);
    for (const [k, v] of Object.entries(tags)) assert.ok(k.length <= 128 && v.length <= 256, k);
    assert.deepEqual(decodeAwsRestore(tags), restore);
    assert.deepEqual(decodeAwsTags(tags)?.policy, policy);
    const grant = decodeAwsTags(
      awsGrantTags('i-1', {
        vmKey: '',
        grantId: 'g1',
        parts: 1,
        expiresAt: Date.UTC(2025, 0, 1),
        requester: 'bob',
      }),
    );
    assert.deepEqual(
      [grant?.kind, grant?.vmId, grant?.grantId, grant?.expiresAt],
      ['grant', 'i-1', 'g1', Date.UTC(2025, 0, 1)],
    );
  });
});
