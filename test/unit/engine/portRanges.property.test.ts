// portTextMask reads port texts in place for speed; these properties hold it to the exact parser
// (portRangesOf) on random texts: well-formed ones, ones near the limits, and junk.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { portInRanges, portRangesOf, portTextMask } from '../../../src/engine/portRanges';

const MANAGEMENT = [22, 3389, 5985, 5986];

const port = fc.oneof(
  fc.constantFrom(0, 21, 22, 23, 3388, 3389, 3390, 5984, 5985, 5986, 5987, 65535, 65536, 99999, 100000),
  fc.integer({ min: 0, max: 70000 }),
);
const number = fc.oneof(
  port.map(String),
  port.map((p) => `0${p}`), // leading zero
  fc.stringMatching(/^\d{1,7}$/),
);
const text = fc.oneof(
  number,
  fc.tuple(number, number).map(([a, b]) => `${a}-${b}`),
  fc.tuple(number, number).map(([a, b]) => ` ${a} - ${b} `),
  fc.constantFrom('*', ' * ', '', '-', '22-', '-22', '22--23', '22-23-24', 'ssh', '2 2', '22,23', '*22'),
  fc.stringMatching(/^[0-9*\- ]{0,12}$/),
);

function exactMask(t: string, ports: readonly number[]): number {
  const ranges = portRangesOf(t);
  return ports.reduce((mask, p, i) => (portInRanges(ranges, p) ? mask | (1 << i) : mask), 0);
}

describe('portTextMask', () => {
  it('answers as the exact parser does, for the management ports', () => {
    fc.assert(
      fc.property(text, (t) => {
        assert.equal(portTextMask(t, MANAGEMENT), exactMask(t, MANAGEMENT), `text ${JSON.stringify(t)}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('answers as the exact parser does, for any ports asked about', () => {
    fc.assert(
      fc.property(text, fc.array(port, { minLength: 1, maxLength: 8 }), (t, ports) => {
        assert.equal(portTextMask(t, ports), exactMask(t, ports));
      }),
      { numRuns: 2000 },
    );
  });
});
