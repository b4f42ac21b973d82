// A small lifecycle helper: objects that own listeners, timers and VS Code registrations dispose
// them together. Kept free of `vscode` so pure modules and their tests can use it too.

export interface IDisposable {
  dispose(): void;
}

export function disposeAll(disposables: IDisposable[]): void {
  while (disposables.length) {
    disposables.pop()?.dispose();
  }
}

export function toDisposable(dispose: () => void): IDisposable {
  return { dispose };
}

export abstract class Disposable implements IDisposable {
  private readonly _disposables: IDisposable[] = [];
  private _isDisposed = false;

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  protected _register<T extends IDisposable>(disposable: T): T {
    if (this._isDisposed) {
      disposable.dispose();
    } else {
      this._disposables.push(disposable);
    }
    return disposable;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._disposables);
  }
}
