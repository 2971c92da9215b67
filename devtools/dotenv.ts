/**
 * Reading one value of a dotenv-style file (functions/.secret.local), shared by
 * the dev servers' CLIs.
 */

/** Value of `name` in a dotenv-style text (`NAME=value`, optional `export`, quotes, # comments). */
export function dotenvValue(text: string, name: string): string | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0 || line.slice(0, eq).trim() !== name) continue;
    const value = line.slice(eq + 1).trim();
    return /^(['"])(.*)\1$/.exec(value)?.[2] ?? value;
  }
  return undefined;
}
