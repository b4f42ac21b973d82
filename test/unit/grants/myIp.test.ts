import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EchoServiceIpSource, FixedIpSource, MyIpError } from '../../../src/grants/myIp';

/** A tiny echo service on loopback answering with a fixed body (documentation addresses only). */
async function echo(body: string, status = 200): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe('EchoServiceIpSource', () => {
  const servers: Server[] = [];
  async function urls(...bodies: (string | [string, number])[]): Promise<string[]> {
    const out: string[] = [];
    for (const b of bodies) {
      const e = Array.isArray(b) ? await echo(b[0], b[1]) : await echo(b);
      servers.push(e.server);
      out.push(e.url);
    }
    return out;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('accepts an address two services agree on', async () => {
    const ip = await new EchoServiceIpSource({ urls: await urls('203.0.113.7\n', ' 203.0.113.7 ') }).detect();
    assert.equal(ip.address, '203.0.113.7');
    assert.equal(ip.cidr, '203.0.113.7/32');
    assert.equal(ip.family, 4);
    assert.equal(ip.via.length, 2);
    assert.deepEqual(ip.warnings, []);
  });

  it('refuses when the services disagree, naming both answers', async () => {
    const source = new EchoServiceIpSource({ urls: await urls('203.0.113.7', '198.51.100.2') });
    await assert.rejects(source.detect(), (e: unknown) => {
      assert.ok(e instanceof MyIpError);
      assert.match(e.message, /disagree/);
      assert.match(e.message, /203\.0\.113\.7/);
      assert.match(e.message, /198\.51\.100\.2/);
      return true;
    });
  });

  it('refuses when fewer than the required number of services answer', async () => {
    const source = new EchoServiceIpSource({ urls: await urls('203.0.113.7', ['nope', 503]) });
    await assert.rejects(source.detect(), /2 echo services must agree.*HTTP 503/);
  });

  it('treats garbage as no answer', async () => {
    const source = new EchoServiceIpSource({ urls: await urls('<html>hi</html>', '203.0.113.7') });
    await assert.rejects(source.detect(), /not an IP address/);
  });

  it('reports an unreachable service and times out a silent one', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    servers.push(silent);
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    const [good, closed] = await urls('203.0.113.7', 'x');
    await new Promise((r) => servers.pop()!.close(r));
    const source = new EchoServiceIpSource({ urls: [good, silentUrl, closed], timeoutMs: 300 });
    await assert.rejects(source.detect(), (e: unknown) => {
      assert.ok(e instanceof MyIpError);
      assert.match(e.message, /no answer in 300 ms/);
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
    silent.closeAllConnections();
  });

  it('detects IPv6 and prefers IPv4 when both families agree', async () => {
    const v6 = await new EchoServiceIpSource({ urls: await urls('2001:db8::7', '2001:0db8:0::7') }).detect();
    assert.equal(v6.cidr, '2001:db8::7/128');
    assert.equal(v6.family, 6);
    const both = await new EchoServiceIpSource({
      urls: await urls('2001:db8::7', '203.0.113.7', '2001:db8::7', '203.0.113.7'),
    }).detect();
    assert.equal(both.address, '203.0.113.7');
    assert.equal(both.otherFamily, '2001:db8::7');
  });

  it('an IPv6 and an IPv4 answer are not a disagreement, but need agreement within a family', async () => {
    const source = new EchoServiceIpSource({ urls: await urls('2001:db8::7', '203.0.113.7') });
    await assert.rejects(source.detect(), /must agree/);
    const v6only = new EchoServiceIpSource({
      urls: await urls('2001:db8::7', '203.0.113.7'),
      family: 6,
      minAgreeing: 1,
    });
    assert.equal((await v6only.detect()).address, '2001:db8::7');
  });

  it('warns when the agreed address is not public', async () => {
    const ip = await new EchoServiceIpSource({ urls: await urls('10.1.2.3', '10.1.2.3') }).detect();
    assert.match(ip.warnings.join(), /not a public/);
  });
});

describe('FixedIpSource', () => {
  it('answers its address as a host prefix and rejects a non-address', async () => {
    assert.equal((await new FixedIpSource('2001:db8::1', 'local cloud').detect()).cidr, '2001:db8::1/128');
    assert.throws(() => new FixedIpSource('nope', 'x'));
  });
});
