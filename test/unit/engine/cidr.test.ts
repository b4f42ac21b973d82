import assert from 'node:assert/strict';
import { AddressSet, PUBLIC_ADDRESSES } from '../../../src/engine/addressSet';
import {
  cidrContainsCidr,
  contains,
  isAnySource,
  isIPv4,
  isIPv6,
  isPublic,
  normalizeCidr,
  overlaps,
  parseAddress,
  parseCidr,
} from '../../../src/engine/cidr';

describe('cidr', () => {
  it('normalises single addresses and host bits', () => {
    assert.equal(normalizeCidr('203.0.113.7'), '203.0.113.7/32');
    assert.equal(normalizeCidr('2001:DB8::1'), '2001:db8::1/128');
    assert.equal(normalizeCidr('10.0.0.5/24'), '10.0.0.0/24');
    assert.equal(parseCidr('10.0.0.5/24')?.hostBitsSet, true);
    assert.equal(parseCidr('10.0.0.0/24')?.hostBitsSet, false);
    assert.equal(normalizeCidr('2001:db8:0:0:1::/64'), '2001:db8::/64');
  });

  it('rejects malformed input', () => {
    for (const bad of [
      '10.0.0.300/24',
      '10.0.0.0/33',
      '10',
      '0x0a.0.0.1',
      '::/129',
      'abc',
      '',
      '10.0.0.0/',
      '1.2.3.4/-1',
    ]) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
    assert.equal(parseAddress('fe80::1%eth0'), undefined);
  });

  it('answers containment and overlap, keeping families apart', () => {
    assert.ok(contains('10.0.0.0/8', '10.1.2.3'));
    assert.ok(!contains('10.0.0.0/8', '11.0.0.1'));
    assert.ok(!contains('::/0', '10.1.2.3'), '::/0 must not contain IPv4');
    assert.ok(!contains('0.0.0.0/0', '2001:db8::1'));
    assert.ok(contains('2001:db8::/32', '2001:db8:ffff::1'));
    assert.ok(cidrContainsCidr('10.0.0.0/8', '10.2.0.0/16'));
    assert.ok(!cidrContainsCidr('10.2.0.0/16', '10.0.0.0/8'));
    assert.ok(overlaps('10.0.0.0/8', '10.2.0.0/16'));
    assert.ok(!overlaps('10.0.0.0/16', '10.1.0.0/16'));
  });

  it('classifies families, any-sources and public addresses', () => {
    assert.ok(isIPv4('1.2.3.4') && !isIPv4('::1') && isIPv6('::1') && !isIPv6('1.2.3.4'));
    assert.ok(isAnySource('*') && isAnySource('0.0.0.0/0') && isAnySource('::/0') && isAnySource('Any'));
    assert.ok(!isAnySource('10.0.0.0/8'));
    for (const pub of ['8.8.8.8', '203.0.113.7', '2001:db8::1', '2606:4700::1111'])
      assert.ok(isPublic(pub), pub);
    for (const priv of [
      '10.1.1.1',
      '172.16.5.5',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.1.1',
      '100.64.0.1',
      '168.63.129.16',
      '224.0.0.1',
      'fd00::1',
      'fe80::1',
      '::1',
    ]) {
      assert.ok(!isPublic(priv), priv);
    }
  });
});

describe('AddressSet', () => {
  const set = (...c: string[]) => AddressSet.fromCidrs(c);

  it('merges, intersects and subtracts', () => {
    assert.deepEqual(set('10.0.0.0/25', '10.0.0.128/25').toCidrs(), ['10.0.0.0/24']);
    assert.deepEqual(set('10.0.0.0/24').intersect(set('10.0.0.128/26', '11.0.0.0/8')).toCidrs(), [
      '10.0.0.128/26',
    ]);
    assert.deepEqual(set('10.0.0.0/24').subtract(set('10.0.0.0/25')).toCidrs(), ['10.0.0.128/25']);
    assert.deepEqual(set('10.0.0.0/30').subtract(set('10.0.0.1/32')).toCidrs(), [
      '10.0.0.0/32',
      '10.0.0.2/31',
    ]);
    assert.ok(set('10.0.0.0/8').covers(set('10.1.0.0/16')));
    assert.ok(!set('10.1.0.0/16').covers(set('10.0.0.0/8')));
    assert.ok(AddressSet.ALL.subtract(AddressSet.ALL_IPV4).equals(AddressSet.ALL_IPV6));
  });

  it('public addresses exclude private space and include documentation ranges', () => {
    const v = (ip: string) => parseAddress(ip)!.value;
    assert.ok(PUBLIC_ADDRESSES.has(v('203.0.113.9')));
    assert.ok(!PUBLIC_ADDRESSES.has(v('10.9.9.9')));
    assert.ok(!PUBLIC_ADDRESSES.has(v('fd12::1')));
  });
});
