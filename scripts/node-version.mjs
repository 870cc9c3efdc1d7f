// Which Node.js this project supports: package.json's engines (">=MAJOR.MINOR"), the real minimum (nestjs-pino 5
// declares Node >= 22.12, @platformatic/kafka >= 22.18 on that line), and the LTS line the images and CI run
// (scripts/lts-node.sh installs it).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The LTS release the images are built on and CI runs the backend suites on (npm's `node` package ships it). */
export const LTS_NODE = '24.21.0';

/** package.json's engines.node, read as its minimum version: ">=22.12" → [22, 12, 0]. */
export function engineMinimum(range = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf-8')).engines.node) {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!match) throw new Error(`package.json engines.node should read ">=X.Y", not "${range}"`);
  return match.slice(1).map((part) => Number(part ?? 0));
}

/** Whether `version` ("v20.20.2" or "20.20.2") is below `minimum` ([major, minor, patch]). */
export function below(version, minimum) {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((parts[i] ?? 0) !== minimum[i]) return (parts[i] ?? 0) < minimum[i];
  return false;
}

/** What to tell someone on a Node.js below the minimum, or null when theirs is supported. */
export function unsupportedNodeMessage(version = process.version, minimum = engineMinimum()) {
  if (!below(version, minimum)) return null;
  return (
    `Node.js ${version} is below this project's minimum, ${minimum.join('.')} (package.json engines: nestjs-pino ` +
    `and @platformatic/kafka declare it). It may still start, but it is not supported. Install the LTS the images run: ` +
    `bash scripts/lts-node.sh (puts Node.js ${LTS_NODE} in .run/node-lts), then ` +
    `PATH="$PWD/.run/node-lts/bin:$PATH" npm start`
  );
}
