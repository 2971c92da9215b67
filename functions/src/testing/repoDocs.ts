import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's root: the nearest folder above this file that holds both
 * `functions/` and `docs/`. Found by walking up rather than by a fixed number
 * of `..`, so the tests that use it keep working when source files move.
 */
export function repoRoot(): string {
  let dir = __dirname;
  while (!(existsSync(join(dir, 'functions')) && existsSync(join(dir, 'docs')))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no folder above functions/src holds both functions/ and docs/');
    dir = parent;
  }
  return dir;
}

/** The documentation files whose links are checked: README.md and every docs/*.md, as paths from the root. */
export function documentationFiles(root: string = repoRoot()): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** The text of a file under the repository root. */
export function readRepoFile(path: string, root: string = repoRoot()): string {
  return readFileSync(join(root, path), 'utf8');
}
