// Bundles the extension and the `jit` CLI. `vscode` stays external; the heavy SDKs are split into
// chunks that load only when a provider or the local cloud is first used (see dynamic imports in src/).
'use strict';
const path = require('path');

/** @param {string} entry @param {string} filename */
function bundle(entry, filename, extraExternals) {
  return {
    target: 'node',
    mode: 'none',
    entry,
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename,
      chunkFilename: '[name].chunk.js',
      libraryTarget: 'commonjs2',
    },
    externals: { vscode: 'commonjs vscode', ...extraExternals },
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [{ test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { transpileOnly: true } }] }],
    },
    devtool: 'nosources-source-map',
    infrastructureLogging: { level: 'log' },
    performance: { hints: false },
  };
}

module.exports = [
  bundle('./src/extension/extension.ts', 'extension.js', {}),
  { ...bundle('./src/cli/main.ts', 'cli.js', { vscode: 'commonjs vscode' }), plugins: [] },
];
