import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The relative-import graph of source folders, read with the TypeScript parser
 * (never executed), for the architecture test: cycles, file sizes and which
 * folder may import which. Package imports (`node:fs`, `zod`) are not edges.
 */

/** One relative import of a file. */
export interface ImportRef {
  /** As written, e.g. `../api/index.js`. */
  specifier: string;
  /** Absolute path it points at (the `.ts` file for a `.js` specifier); it may lie outside the scanned folders. */
  target: string;
  /** Erased from the JavaScript: `import type`, `export type`, or only `type` names. */
  typeOnly: boolean;
  /** `export ... from`: passes names on without using them. */
  reExport: boolean;
}

/** One scanned source file. */
export interface SourceFile {
  path: string;
  /** Newline count, as `wc -l` counts. */
  lines: number;
  imports: ImportRef[];
}

const EXTENSIONS = ['.ts', '.vue'];
const SKIP = new Set(['node_modules', 'lib', 'dist']);

/** Every .ts/.vue file under `dirs`, skipping node_modules, lib and dist. */
export function listSources(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(p);
      } else if (EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith('.d.ts')) {
        out.push(p);
      }
    }
  };
  dirs.forEach(walk);
  return out.sort();
}

/** The script blocks of a .vue file (the template has no imports), or the whole text of a .ts file. */
function scriptText(file: string, text: string): string {
  if (!file.endsWith('.vue')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

/** Where a relative specifier points: `.js` names the `.ts` source; an extensionless one (the SPA's) a file or folder index. */
export function resolveSpecifier(fromFile: string, specifier: string, exists: (p: string) => boolean): string {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = specifier.endsWith('.js')
    ? [base.slice(0, -3) + '.ts', base]
    : [base, base + '.ts', base + '.vue', path.join(base, 'index.ts')];
  return candidates.find(exists) ?? candidates[0]!;
}

const typeOnlyNames = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>) =>
  elements.length > 0 && elements.every((e) => e.isTypeOnly);

/** The relative imports and re-exports of one source text, static and dynamic (`import()`, `require()`). */
export function parseImports(file: string, text: string, exists: (p: string) => boolean): ImportRef[] {
  const source = ts.createSourceFile(file, scriptText(file, text), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: Omit<ImportRef, 'target'>[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            typeOnlyNames(named.elements)));
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly, reExport: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && typeOnlyNames(clause.elements));
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly, reExport: true });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, typeOnly: false, reExport: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs
    .filter((r) => r.specifier.startsWith('./') || r.specifier.startsWith('../'))
    .map((r) => ({ ...r, target: resolveSpecifier(file, r.specifier, exists) }));
}

/** Reads and parses every source file under `dirs`. */
export function scanSources(dirs: string[]): SourceFile[] {
  const paths = listSources(dirs);
  const known = new Set(paths);
  return paths.map((p) => {
    const text = readFileSync(p, 'utf8');
    return { path: p, lines: text.split('\n').length - 1, imports: parseImports(p, text, (c) => known.has(c)) };
  });
}

/** file -> files it imports (only files that are nodes of the graph). */
export function importGraph(files: SourceFile[]): Map<string, string[]> {
  const nodes = new Set(files.map((f) => f.path));
  return new Map(files.map((f) => [f.path, [...new Set(f.imports.map((i) => i.target).filter((t) => nodes.has(t)))]]));
}

/**
 * One cycle per strongly connected component that has one (Tarjan), each as
 * the path that closes it: `[a, b, c, a]`. Empty when the graph is acyclic.
 */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const strongConnect = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) strongConnect(v);
  return components.map((c) => cyclePath(graph, new Set(c)));
}

/** A path from the component's first member (sorted) back to itself, staying inside the component. */
function cyclePath(graph: Map<string, string[]>, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = previous.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
