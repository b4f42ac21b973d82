// Bundles the extension and the `jit` CLI. `vscode` stays external; the heavy SDKs are split into
// chunks that load only when a provider or the local cloud is first used (see dynamic imports in src/).
'use strict';
const path = require('path');
const webpack = require('webpack');

/** @param {string} entry @param {string} filename @param {Record<string, string>} extraExternals */
function bundle(entry, filename, extraExternals) {
  const name = path.basename(filename, '.js');
  return {
    target: 'node',
    mode: 'none',
    entry,
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename,
      // The two bundles share dist/: prefix their lazily loaded chunks so they never overwrite each other.
      chunkFilename: `${name}.[name].chunk.js`,
      libraryTarget: 'commonjs2',
      // Remove stale chunks of this bundle only; the other bundle's files share the folder.
      clean: { keep: (file) => !file.startsWith(`${name}.`) },
    },
    externals: { vscode: 'commonjs vscode', ...extraExternals },
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          use: [
            {
              loader: 'ts-loader',
              // ES modules let webpack turn `await import()` into lazily loaded chunks instead of inlining
              // every SDK into the entry file.
              options: { transpileOnly: true, compilerOptions: { module: 'esnext' } },
            },
          ],
        },
      ],
    },
    devtool: 'nosources-source-map',
    infrastructureLogging: { level: 'log' },
    performance: { hints: false },
  };
}

module.exports = [
  bundle('./src/extension/extension.ts', 'extension.js', {}),
  {
    ...bundle('./src/cli/main.ts', 'cli.js', {}),
    plugins: [new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, entryOnly: true })],
  },
];
