// `npm start` builds only when the app or the launcher changed since the last build, so a restart is quick.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outputs = ['build/index.js', 'build/server.mjs'];
const sources = ['app', 'db', 'demo', 'sandbox', 'server', 'remix.config.js', 'tailwind.config.ts', 'package-lock.json', 'scripts/build-launcher.mjs'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const builtAt = Math.min(...outputs.map((output) => (existsSync(output) ? statSync(output).mtimeMs : 0)));
if (builtAt === 0 || Math.max(...sources.map(newestMtime)) > builtAt) {
  console.log('Building Keyed…');
  execSync('npm run build --silent', { stdio: 'inherit' });
}
