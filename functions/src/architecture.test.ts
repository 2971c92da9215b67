import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph, parseImports, scanSources, type SourceFile } from './testing/importGraph.js';

// The layout rules of the house, checked over every .ts/.vue source of the
// functions and the SPA (tests included): no import cycle, no file (tests included)
// over 300 lines, generic mechanisms (resilience/) import nothing of the product, and
// the contract the SPA bundles (api/, `*Types.ts`) imports nothing that runs.
// eslint.config.mjs states the folder rules too, so an editor flags them early.

const REPO = path.resolve(__dirname, '../..');
const SRC = path.join(REPO, 'functions/src');
const MAX_LINES = 300;
const files = scanSources([SRC, path.join(REPO, 'web/src')]);
const rel = (p: string) => path.relative(REPO, p);
const inside = (dir: string, p: string) => !path.relative(dir, p).startsWith('..');

/** The cycles of `sources`, each as `a -> b -> a` (repository-relative). */
const cycles = (sources: SourceFile[]) => findCycles(importGraph(sources)).map((c) => c.map(rel).join(' -> '));

/** Files over the line limit, with their length. */
const oversized = (sources: SourceFile[]) =>
  sources.filter((f) => f.lines > MAX_LINES).map((f) => `${rel(f.path)} (${f.lines})`);

/** Imports of files in `dir` that point outside it. */
const leaving = (sources: SourceFile[], dir: string) =>
  sources
    .filter((f) => inside(dir, f.path))
    .flatMap((f) =>
      f.imports.filter((i) => !inside(dir, i.target)).map((i) => `${rel(f.path)} imports ${i.specifier}`),
    );

const isTypeFile = (p: string) => p.endsWith('Types.ts');
const API = path.join(SRC, 'api');

/**
 * Imports of contract files (api/, `*Types.ts`) that reach past api/ and the
 * type files, or that load code: only type imports and re-exports are allowed.
 */
const contractBreaches = (sources: SourceFile[]) =>
  sources
    .filter((f) => inside(API, f.path) || isTypeFile(f.path))
    .flatMap((f) =>
      f.imports
        .filter((i) => !(inside(API, i.target) || isTypeFile(i.target)) || (!i.typeOnly && !i.reExport))
        .map((i) => `${rel(f.path)} imports ${i.specifier}`),
    );

describe('architecture of functions/src and web/src', () => {
  it('scans both trees', () => {
    expect(files.filter((f) => inside(SRC, f.path)).length).toBeGreaterThan(100);
    expect(files.some((f) => f.path.endsWith('.vue'))).toBe(true);
  });

  it('has no import cycle', () => {
    expect(cycles(files)).toEqual([]);
  });

  it(`has no source file (tests included) over ${MAX_LINES} lines`, () => {
    expect(oversized(files)).toEqual([]);
  });

  it('resilience/ imports nothing outside resilience/ but packages', () => {
    expect(leaving(files, path.join(SRC, 'resilience'))).toEqual([]);
  });

  it('api/ and *Types.ts files import only each other, and only types or re-exports', () => {
    expect(contractBreaches(files)).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  const at = (name: string) => path.join(SRC, name);
  const known = (...names: string[]) => {
    const set = new Set(names.map(at));
    return (p: string) => set.has(p);
  };
  const source = (name: string, text: string, exists: (p: string) => boolean, lines = 1): SourceFile => ({
    path: at(name),
    lines,
    imports: parseImports(at(name), text, exists),
  });

  it('reports a cycle as its path, type-only imports included', () => {
    const exists = known('a.ts', 'b.ts', 'c.ts', 'd.ts');
    const graph = [
      source('a.ts', "import { b } from './b.js';", exists),
      source('b.ts', "import type { C } from './c.js';\nexport { d } from './d.js';", exists),
      source('c.ts', "const a = await import('./a.js');", exists),
      source('d.ts', "import 'node:fs';", exists),
    ];
    expect(cycles(graph)).toEqual([
      'functions/src/a.ts -> functions/src/b.ts -> functions/src/c.ts -> functions/src/a.ts',
    ]);
    expect(cycles(graph.filter((f) => !f.path.endsWith('c.ts')))).toEqual([]);
  });

  it('reads the script of a .vue file and resolves extensionless specifiers', () => {
    const exists = known('p/View.vue', 'p/index.ts', 'q.ts');
    const refs = parseImports(
      at('p/View.vue'),
      '<template><a/></template>\n<script setup lang="ts">\nimport { q } from "../q";\nimport "./";\n</script>',
      exists,
    );
    expect(refs.map((r) => rel(r.target))).toEqual(['functions/src/q.ts', 'functions/src/p/index.ts']);
  });

  it('lists files over the limit', () => {
    expect(
      oversized([source('big.ts', '', () => false, MAX_LINES + 1), source('ok.ts', '', () => false, MAX_LINES)]),
    ).toEqual([`functions/src/big.ts (${MAX_LINES + 1})`]);
  });

  it('flags resilience/ importing the product, not its own files or packages', () => {
    const exists = known('resilience/x/a.ts', 'resilience/y/b.ts', 'config/config.ts');
    const a = source(
      'resilience/x/a.ts',
      "import { b } from '../y/b.js';\nimport { z } from 'zod';\nimport type { Config } from '../../config/config.js';",
      exists,
    );
    expect(leaving([a], at('resilience'))).toEqual(['functions/src/resilience/x/a.ts imports ../../config/config.js']);
  });

  it('flags a contract file importing code that runs', () => {
    const exists = known('api/a.ts', 'api/b.ts', 'resilience/x/xTypes.ts', 'resilience/x/x.ts');
    const a = source(
      'api/a.ts',
      "import type { B } from './b.js';\nimport { X } from '../resilience/x/xTypes.js';\nexport { Y } from '../resilience/x/xTypes.js';\nimport { run } from '../resilience/x/x.js';",
      exists,
    );
    expect(contractBreaches([a])).toEqual([
      'functions/src/api/a.ts imports ../resilience/x/xTypes.js',
      'functions/src/api/a.ts imports ../resilience/x/x.js',
    ]);
  });
});
