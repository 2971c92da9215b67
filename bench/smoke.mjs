// What `npm run bench -- --smoke` judges: that every section ran and measured
// something. Targets are not judged (tiny counts on a noisy machine); a crash,
// a section that is missing, one without any numbers, or a cell left "n/a"
// (a value nobody measured) is a broken bench.

const UNMEASURED = /\bn\/a\b|\bNaN\b/;

/**
 * Problems of a smoke run, one line each (empty when every section of
 * `expectedIds` ran and produced numbers). `sections` are the bench's results.
 */
export function brokenParts(sections, expectedIds) {
  const problems = [];
  for (const id of expectedIds) if (!sections.some((s) => s.id === id)) problems.push(`section ${id} did not run`);
  for (const s of sections) {
    const name = `section ${s.id} (${s.title})`;
    if (s.error) {
      problems.push(`${name} failed: ${s.error}`);
      continue;
    }
    const tables = s.tables ?? [];
    const checks = s.checks ?? [];
    if (!tables.some((t) => t.rows.length > 0) && checks.length === 0) problems.push(`${name} produced no numbers`);
    for (const c of checks) {
      if (UNMEASURED.test(String(c.value))) problems.push(`${name}: "${c.name}" was not measured (${c.value})`);
    }
    for (const t of tables) {
      for (const row of t.rows) {
        row.forEach((cell, i) => {
          if (UNMEASURED.test(String(cell))) {
            problems.push(
              `${name}: ${t.title ? `${t.title}, ` : ''}row "${row[0]}", column "${t.headers[i]}" is ${cell}`,
            );
          }
        });
      }
    }
  }
  return problems;
}
