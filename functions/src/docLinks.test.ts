import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationFiles, readRepoFile, repoRoot } from './testing/repoDocs.js';

/**
 * The relative link targets of a Markdown text: inline links and images,
 * outside fenced code blocks, without their `#fragment`. Absolute URLs
 * (`https:`, `mailto:`) and same-page anchors are not files.
 */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => decodeURIComponent(target.split('#')[0] ?? ''));
}

describe('links in README.md and docs/*.md', () => {
  const root = repoRoot();

  it.each(documentationFiles(root))('%s links only to files of the repository that exist', (file) => {
    const broken = relativeLinks(readRepoFile(file, root)).filter((target) => {
      const path = resolve(root, dirname(file), target);
      const inside = !relative(root, path).startsWith('..');
      return !inside || !existsSync(path);
    });
    expect(broken).toEqual([]);
  });
});

/** Folders that hold no hand-written files: installs, builds, caches and test output. */
const GENERATED = new Set(['node_modules', '.git', 'lib', 'dist', '.cache', 'test-results', 'coverage']);
const SOURCE_FILE = /\.(ts|mts|mjs|js|vue|json|md|html)$|^\.env/;

/** Every hand-written file under the root (relative paths), outside generated folders. */
function sourceFiles(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return GENERATED.has(entry.name) ? [] : sourceFiles(root, path);
    return SOURCE_FILE.test(entry.name) ? [path] : [];
  });
}

describe('mentions of docs/*.md in code and comments', () => {
  it('name files that exist, so a renamed page leaves no dead reference', () => {
    const root = repoRoot();
    const dead = sourceFiles(root).flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)]
        .map((m) => m[0])
        .filter((doc) => !existsSync(join(root, doc)))
        .map((doc) => `${file}: ${doc}`),
    );
    expect(dead).toEqual([]);
  });
});

describe('relativeLinks', () => {
  it('keeps relative targets without their fragment and skips URLs, anchors and code blocks', () => {
    const text = [
      'See [ops](docs/operations.md#alarms), [web](https://example.com), [here](#top),',
      '![shot](img/a%20b.png "title") and [up](../shared/x.md).',
      '```',
      '[not a link](nowhere.md)',
      '```',
    ].join('\n');
    expect(relativeLinks(text)).toEqual(['docs/operations.md', 'img/a b.png', '../shared/x.md']);
  });
});
