import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, parseConfig } from './config/index.js';
import { readRepoFile } from './testing/repoDocs.js';

const DOC = 'docs/configuration.md';
const SECTION = '## Functions settings';

/** One row of the documented table: the variable's name and its default cell without backticks. */
interface DocumentedVariable {
  name: string;
  documentedDefault: string;
}

/**
 * The rows of the "Functions settings" table in docs/configuration.md. Each row
 * names exactly one variable in its first cell, so a row cannot hide a second
 * name from this check.
 */
function documentedVariables(markdown: string): DocumentedVariable[] {
  const start = markdown.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`${DOC} has no "${SECTION}" section`);
  const rest = markdown.slice(start + SECTION.length + 2);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) => {
      const cells = line.split(' | ').map((c) => c.replace(/^\|/, '').replace(/\|$/, '').trim());
      const names = [...(cells[0] ?? '').matchAll(/`([A-Za-z0-9_]+)`/g)].map((m) => m[1] ?? '');
      if (names.length !== 1 || cells.length < 3) {
        throw new Error(`${DOC}: a row must name one variable and give its default and meaning: ${line}`);
      }
      return { name: names[0] ?? '', documentedDefault: (cells[1] ?? '').replaceAll('`', '').trim() };
    });
}

/** The schema's default of a variable as the table writes it, or undefined when the schema has none. */
function schemaDefault(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

describe('docs/configuration.md', () => {
  const documented = documentedVariables(readRepoFile(DOC));
  const names = documented.map((v) => v.name);

  it('documents every variable the config schema parses', () => {
    const missing = CONFIG_VARIABLES.filter((name) => !names.includes(name));
    expect(missing, `add a row to ${DOC} "Functions settings" for each`).toEqual([]);
  });

  it('documents only variables the config schema parses, each once', () => {
    const unknown = names.filter((name) => !(CONFIG_VARIABLES as string[]).includes(name));
    expect(
      unknown,
      `not in the schema of functions/src/config/configSchema.ts: remove the row or add the variable`,
    ).toEqual([]);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it("gives the schema's default of every variable that has one", () => {
    const defaults = parseConfig({}) as unknown as Record<string, unknown>;
    const wrong = documented
      .map((v) => ({ ...v, schema: schemaDefault(defaults[v.name]) }))
      .filter((v) => v.schema !== undefined && v.schema !== v.documentedDefault)
      .map((v) => `${v.name}: documented ${v.documentedDefault}, schema ${v.schema}`);
    expect(wrong).toEqual([]);
  });
});

describe('documentedVariables', () => {
  const table = (rows: string) =>
    `# Configuration\n\n${SECTION}\n\n| variable | default | meaning |\n| --- | --- | --- |\n${rows}\n## Secrets\n\n| \`PAYMENT_API_KEY\` | always | key |\n`;

  it('reads the name and default of each row of that section only', () => {
    expect(documentedVariables(table('| `A_B` | `x` | one |\n| `C` | 5 | two |\n'))).toEqual([
      { name: 'A_B', documentedDefault: 'x' },
      { name: 'C', documentedDefault: '5' },
    ]);
  });

  it('refuses a row naming two variables', () => {
    expect(() => documentedVariables(table('| `A`, `B` | 1, 2 | both |\n'))).toThrow(/one variable/);
  });

  it('refuses a page without the section', () => {
    expect(() => documentedVariables('# Configuration\n')).toThrow(/Functions settings/);
  });
});
