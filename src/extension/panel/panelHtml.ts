// The active-grants page shell. Everything dynamic arrives by postMessage; the page loads only our
// own script and stylesheet (strict CSP with a fresh nonce) and has no network access.

export interface PanelHtmlInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  lang: string;
}

function escapeAttr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} https:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function renderPanelHtml(input: PanelHtmlInput): string {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  return `<!DOCTYPE html>
<html lang="${escapeAttr(input.lang)}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeAttr(input.styleUri)}">
  <title>${escapeAttr(input.title)}</title>
</head>
<body>
  <main>
    <h1 id="title">${escapeAttr(input.title)}</h1>
    <p id="empty" hidden></p>
    <table id="grants" aria-labelledby="title" hidden>
      <thead><tr id="head"></tr></thead>
      <tbody id="rows"></tbody>
    </table>
    <div id="announcer" class="visually-hidden" aria-live="polite" role="status"></div>
  </main>
  <script nonce="${escapeAttr(input.nonce)}" src="${escapeAttr(input.scriptUri)}"></script>
</body>
</html>`;
}
