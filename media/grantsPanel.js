// Active JIT grants page. Receives rows with absolute expiry times from the extension and ticks
// the countdowns itself; Extend/Revoke post messages back. No network access (CSP), no innerHTML.
// @ts-check
(function () {
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  /** @type {{ grants: any[], strings: any, offset: number, warnMs: number }} */
  const view = { grants: [], strings: undefined, offset: 0, warnMs: 5 * 60000 };
  const announced = new Set();
  const rows = /** @type {HTMLElement} */ (document.getElementById('rows'));
  const head = /** @type {HTMLElement} */ (document.getElementById('head'));
  const table = /** @type {HTMLElement} */ (document.getElementById('grants'));
  const empty = /** @type {HTMLElement} */ (document.getElementById('empty'));
  const announcer = /** @type {HTMLElement} */ (document.getElementById('announcer'));

  function pad2(n) {
    return String(n).padStart(2, '0');
  }
  function countdown(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? h + ':' + pad2(m) + ':' + pad2(s % 60) : m + ':' + pad2(s % 60);
  }
  function now() {
    return Date.now() + view.offset;
  }
  function cell(tag, text, className) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (className) el.className = className;
    return el;
  }
  function format(template, a, b) {
    return template.replace('{0}', a).replace('{1}', b);
  }

  function render() {
    const s = view.strings;
    if (!s) return;
    document.title = s.title;
    head.replaceChildren(
      ...[s.vm, s.ports, s.source, s.requester, s.justification, s.timeLeft, s.actions].map((t) => {
        const th = cell('th', t);
        th.scope = 'col';
        return th;
      }),
    );
    empty.textContent = s.empty;
    empty.hidden = view.grants.length > 0;
    table.hidden = view.grants.length === 0;
    rows.replaceChildren(
      ...view.grants.map((g) => {
        const tr = document.createElement('tr');
        tr.dataset.grantId = g.id;
        if (g.mine) tr.classList.add('mine');
        const vm = cell('th', g.vmName);
        vm.scope = 'row';
        const time = cell('td', undefined, 'time');
        const label = cell('span', '', 'countdown');
        const bar = cell('div', undefined, 'bar');
        bar.setAttribute('role', 'progressbar');
        bar.setAttribute('aria-label', format(s.expiresSoon, g.vmName, ''));
        bar.setAttribute('aria-valuemin', '0');
        bar.setAttribute('aria-valuemax', '100');
        bar.append(cell('div', undefined, 'fill'));
        time.append(label, bar);
        const actions = cell('td', undefined, 'actions');
        if (g.mine) actions.append(button(s.extend, 'extend', g, 'secondary'));
        actions.append(button(s.revoke, 'revoke', g, 'secondary'));
        tr.append(
          vm,
          cell('td', g.ports),
          cell('td', g.source, 'mono'),
          cell('td', g.mine ? s.you + ' (' + g.requester + ')' : g.requester),
          cell('td', g.justification || '—', 'wrap'),
          time,
          actions,
        );
        return tr;
      }),
    );
    tick();
  }

  function button(text, type, g, kind) {
    const b = cell('button', text, kind);
    b.type = 'button';
    b.setAttribute('aria-label', text + ' ' + g.vmName + ' ' + g.ports);
    b.addEventListener('click', () => vscode.postMessage({ type, grantId: g.id }));
    return b;
  }

  function tick() {
    const s = view.strings;
    if (!s) return;
    const t = now();
    for (const tr of rows.querySelectorAll('tr')) {
      const g = view.grants.find((x) => x.id === tr.dataset.grantId);
      if (!g) continue;
      const left = g.expiresAt - t;
      const total = Math.max(1, g.expiresAt - g.startedAt);
      const pct = Math.max(0, Math.min(100, (left / total) * 100));
      const label = /** @type {HTMLElement} */ (tr.querySelector('.countdown'));
      label.textContent = left > 0 ? countdown(left) : s.expired;
      const bar = /** @type {HTMLElement} */ (tr.querySelector('.bar'));
      bar.setAttribute('aria-valuenow', String(Math.round(pct)));
      /** @type {HTMLElement} */ (bar.firstElementChild).style.width = pct + '%';
      tr.classList.toggle('warning', left <= view.warnMs && left > 0);
      tr.classList.toggle('expired', left <= 0);
      // Screen readers hear thresholds only, never every second.
      const key = g.id + '@' + g.expiresAt;
      if (g.mine && left <= view.warnMs && left > 0 && !announced.has(key)) {
        announced.add(key);
        announcer.textContent = format(s.expiresSoon, g.vmName, countdown(left));
      }
    }
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'update') return;
    view.grants = m.grants;
    view.strings = m.strings;
    view.warnMs = m.warnMs;
    view.offset = m.hostNow - Date.now();
    vscode.setState({ grants: m.grants, strings: m.strings, warnMs: m.warnMs });
    render();
  });

  const saved = vscode.getState();
  if (saved && saved.strings) {
    view.grants = saved.grants || [];
    view.strings = saved.strings;
    view.warnMs = saved.warnMs || view.warnMs;
    render();
  }
  setInterval(tick, 1000);
  vscode.postMessage({ type: 'ready' });
})();
