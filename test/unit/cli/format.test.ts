import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { formatPorts, formatTimeLeft, paint, table, wantsColor } from '../../../src/cli/format';
import { Output } from '../../../src/cli/output';

const ESC = '\u001b[';
const withoutEscapes = (text: string) =>
  text
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^[0-9;]*m/, '')))
    .join('');

/** A stream capturing what is written, claiming to be a terminal or not. */
function sink(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

describe('cli formatting', () => {
  describe('formatTimeLeft', () => {
    const cases: [number, string][] = [
      [0, 'expired'],
      [-5000, 'expired'],
      [999, '0s'],
      [45_000, '45s'],
      [59_999, '59s'],
      [60_000, '1m 00s'],
      [4 * 60_000 + 30_000, '4m 30s'],
      [59 * 60_000 + 59_000, '59m 59s'],
      [3_600_000, '1h 00m'],
      [2 * 3_600_000 + 5 * 60_000 + 59_000, '2h 05m'],
      [25 * 3_600_000, '25h 00m'],
    ];
    for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => assert.equal(formatTimeLeft(ms), text));
  });

  it('formatPorts names protocols, "*" as any', () => {
    assert.equal(
      formatPorts([
        { port: 22, protocol: 'tcp' },
        { port: 53, protocol: 'udp' },
        { port: 500, protocol: '*' },
      ]),
      '22/tcp, 53/udp, 500/any',
    );
    assert.equal(formatPorts([]), '');
  });

  describe('table', () => {
    it('pads columns to the widest cell, leaves no trailing spaces', () => {
      const text = table(
        ['VM', 'PORTS', 'LEFT'],
        [
          ['web-01', '22/tcp', '59m 10s'],
          ['a', '22/tcp, 3389/tcp', '5s'],
        ],
        { color: false },
      );
      assert.equal(
        text,
        [
          'VM      PORTS             LEFT',
          'web-01  22/tcp            59m 10s',
          'a       22/tcp, 3389/tcp  5s',
        ].join('\n'),
      );
      for (const line of text.split('\n')) assert.equal(line, line.trimEnd());
    });

    it('aligns by visible width when cells are coloured', () => {
      const style = { color: true };
      const text = table(['A', 'B'], [[paint(style, 'red', 'xx'), 'y']], style);
      const plain = withoutEscapes(text);
      assert.equal(plain, 'A   B\nxx  y');
      assert.ok(text.includes(`${ESC}31mxx${ESC}0m`));
    });

    it('a missing cell counts as empty', () => {
      assert.equal(table(['A', 'B', 'C'], [['1']], { color: false }), 'A  B  C\n1');
    });
  });

  describe('colour', () => {
    it('only for a terminal with NO_COLOR unset and TERM not dumb', () => {
      assert.equal(wantsColor({ isTTY: true }, {}), true);
      assert.equal(wantsColor({ isTTY: false }, {}), false);
      assert.equal(wantsColor({}, {}), false);
      assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '1' }), false);
      assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '' }), false, 'NO_COLOR set to anything');
      assert.equal(wantsColor({ isTTY: true }, { TERM: 'dumb' }), false);
    });

    it('paint leaves text alone without colour', () => {
      assert.equal(paint({ color: false }, 'green', 'healthy'), 'healthy');
      assert.equal(paint({ color: true }, 'green', 'healthy'), `${ESC}32mhealthy${ESC}0m`);
    });

    it('Output writes no escape codes to a pipe, and colours a terminal', () => {
      for (const [isTTY, env, flag, coloured] of [
        [false, {}, undefined, false],
        [true, {}, undefined, true],
        [true, { NO_COLOR: '1' }, undefined, false],
        [true, {}, false, false],
        [false, {}, true, true],
      ] as [boolean, NodeJS.ProcessEnv, boolean | undefined, boolean][]) {
        const stdout = sink(isTTY);
        const stderr = sink(isTTY);
        const out = new Output({ stdout, stderr, env }, false, flag);
        out.result({}, () => out.table(['NAME'], [[out.paint('red', 'x')]]));
        out.warn('careful');
        out.progress('working');
        const label = JSON.stringify({ isTTY, env, flag });
        assert.equal(stdout.text().includes(ESC), coloured, `stdout ${label}`);
        assert.equal(stderr.text().includes(ESC), coloured, `stderr ${label}`);
        assert.equal(withoutEscapes(stdout.text()), 'NAME\nx\n');
        assert.equal(withoutEscapes(stderr.text()), 'warning: careful\nworking\n');
      }
    });

    it('--json puts one parseable document on stdout, progress on stderr', () => {
      const stdout = sink(true);
      const stderr = sink(true);
      const out = new Output({ stdout, stderr, env: {} }, true, undefined);
      out.progress('working');
      out.result({ grants: [{ id: 'g1' }] }, () => 'not this');
      assert.deepEqual(JSON.parse(stdout.text()), { grants: [{ id: 'g1' }] });
      assert.match(stderr.text(), /working/);
    });
  });
});
