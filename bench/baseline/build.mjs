// Production bundles: the baseline app (dist/) and, as a reference line, the bare
// auth0-spa-js client (dist-spa-js/).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

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
  writeFileSync('dist/index.html', `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Baseline</title>
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
