// Trunk post-build hook: moves the inline module script Trunk writes into index.html
// to a file of its own, so the app runs under a Content-Security-Policy without
// 'unsafe-inline' (deploy/leptos-pkce.conf). Shipped with leptos-pkce-auth for any app:
// in its Trunk.toml, [[hooks]] stage = "post_build", command = "node",
// command_arguments = ["<path to leptos-pkce-auth>/assets/externalize-loader.mjs"].
// The file name carries the content hash, and the tag an SRI integrity attribute.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run this as a Trunk hook');
const indexPath = join(dir, 'index.html');
const html = readFileSync(indexPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const match = html.match(inline);
if (!match) {
  console.log('externalize-loader: no inline module script');
  process.exit(0);
}
const code = match[1].trim() + '\n';
const name = `start-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
writeFileSync(join(dir, name), code);
// Served from the build's public URL (`/`, or `/example/` for the example app).
const base = (process.env.TRUNK_PUBLIC_URL || '/').replace(/\/?$/, '/');
writeFileSync(indexPath, html.replace(inline,
  `<script type="module" src="${base}${name}" integrity="${integrity}"></script>`));
console.log(`externalize-loader: ${name}`);
