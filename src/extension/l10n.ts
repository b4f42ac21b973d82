// Pure modules format user-facing text through a `Localize` function so they stay free of `vscode`:
// the extension passes `vscode.l10n.t`, tests pass `formatMessage` (the same `{0}` placeholders).

export type Localize = (message: string, ...args: Array<string | number | boolean>) => string;

export const formatMessage: Localize = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
