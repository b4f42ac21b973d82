import assert from 'node:assert/strict';
import { formatMessage as t } from '../../../src/extension/l10n';
import { expiryKey, grantsDueWarning, timerView } from '../../../src/extension/statusBar/timerText';
import { formatCountdown, formatDurationShort, fractionLeft } from '../../../src/extension/time/countdown';
import { grant, jitAzureVm, ME, NOW } from './builders';

const isMine = (g: { requester: string }) => g.requester === ME;

describe('countdown formatting', () => {
  it('shows h:mm:ss above an hour and m:ss below, rounding up', () => {
    assert.equal(formatCountdown(3 * 3_600_000), '3:00:00');
    assert.equal(formatCountdown(3_600_000 + 65_000), '1:01:05');
    assert.equal(formatCountdown(12 * 60_000 + 34_000), '12:34');
    assert.equal(formatCountdown(1), '0:01');
    assert.equal(formatCountdown(0), '0:00');
    assert.equal(formatCountdown(-5000), '0:00');
  });

  it('writes durations as short phrases', () => {
    assert.equal(formatDurationShort(3 * 3_600_000), '3 h');
    assert.equal(formatDurationShort(90 * 60_000), '1 h 30 min');
    assert.equal(formatDurationShort(45 * 60_000), '45 min');
    assert.equal(formatDurationShort(30_000), '30 s');
  });

  it('computes the share of lifetime left, clamped', () => {
    assert.equal(fractionLeft(50, 100, 0), 0.5);
    assert.equal(fractionLeft(150, 100, 0), 0);
    assert.equal(fractionLeft(-50, 100, 0), 1);
    assert.equal(fractionLeft(0, 100, 100), 0);
  });
});

describe('status bar timer text', () => {
  const vm = jitAzureVm();
  const soon = grant(vm, { id: 'soon', vmName: 'db1', expiresAt: NOW + 4 * 60_000 + 5_000 });
  const later = grant(vm, { id: 'later', expiresAt: NOW + 2 * 3_600_000 });
  const others = grant(vm, { id: 'bob', requester: 'bob', expiresAt: NOW + 60_000 });
  const expired = grant(vm, { id: 'old', expiresAt: NOW - 1 });

  it('is hidden when I have no active grant', () => {
    assert.equal(timerView([others, expired], isMine, NOW, 5 * 60_000, t), undefined);
  });

  it('shows my soonest grant with a count of the others and lists all in the tooltip', () => {
    const view = timerView([later, others, soon], isMine, NOW, 60_000, t)!;
    assert.equal(view.text, '$(watch) db1 4:05 (+1)');
    assert.equal(view.warning, false);
    assert.equal(view.count, 2);
    assert.equal(view.soonest.id, 'soon');
    assert.deepEqual(view.tooltipLines, [
      'db1 · 22/tcp · 203.0.113.7/32 — 4:05',
      'jit1 · 22/tcp · 203.0.113.7/32 — 2:00:00',
    ]);
    assert.match(view.accessibilityLabel, /db1 expires in 4:05; 2 grants active/);
  });

  it('turns to warning under the threshold', () => {
    const view = timerView([soon], isMine, NOW, 5 * 60_000, t)!;
    assert.equal(view.warning, true);
    assert.equal(view.text, '$(warning) db1 4:05');
  });

  it('announces each expiry once, and again after an extension', () => {
    const due = grantsDueWarning([soon, later, others], isMine, NOW, 5 * 60_000, new Set());
    assert.deepEqual(
      due.map((g) => g.id),
      ['soon'],
    );
    const warned = new Set([expiryKey(soon)]);
    assert.deepEqual(grantsDueWarning([soon], isMine, NOW, 5 * 60_000, warned), []);
    const extended = { ...soon, expiresAt: soon.expiresAt + 60_000 };
    assert.deepEqual(
      grantsDueWarning([extended], isMine, NOW, 10 * 60_000, warned).map((g) => g.id),
      ['soon'],
    );
  });
});
