// Production bundles: the baseline app (dist/), with leptos-pkce's own stylesheet so
// both apps paint the same page, and, as a reference line, the bare auth0-spa-js
// client (dist-spa-js/).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

for (const dir of ['dist', 'dist-spa-js']) rmSync(dir, { recursive: true, force: true });
mkdirSync('dist');
await build({
  entryPoints: ['src/main.jsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  define: { 'process.env.NODE_ENV': '"production"' },
  entryNames: 'app-[hash]',
  outdir: 'dist',
  metafile: false,
  logLevel: 'warning',
  jsx: 'automatic',
}).then(async () => {
  const { readdirSync } = await import('node:fs');
  const script = readdirSync('dist').find((f) => f.endsWith('.js'));
  const css = readFileSync('../../style/main.css');
  const cssName = `main-${createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
  writeFileSync(`dist/${cssName}`, css);
  writeFileSync('dist/index.html', `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Baseline</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/${cssName}">
<script type="module" src="/${script}"></script></head><body><div id="root"></div></body></html>
`);
});
await build({
  stdin: { contents: "export * from '@auth0/auth0-spa-js';", resolveDir: '.' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  outfile: 'dist-spa-js/auth0-spa-js.min.js',
  logLevel: 'warning',
});
console.log('baseline built');
