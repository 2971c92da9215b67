/** Display formatting shared by the panels. Absent values show as an em dash, never as "null". */

/** Placeholder for a value that is absent (e.g. a percentile without samples). */
export const NONE = '—';

/** "12 ms", "1.25 s", or the placeholder. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms * 10) / 10} ms`;
}

/** Wall-clock time of an epoch-ms timestamp, e.g. "14:03:07". */
export function formatTime(at: number | null | undefined): string {
  if (at === null || at === undefined) return NONE;
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Local date and time of an epoch-ms timestamp, e.g. "2026-12-07 14:03:07". */
export function formatDateTime(at: number | null | undefined): string {
  if (at === null || at === undefined) return NONE;
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${date} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Coarse human duration of a non-negative span: "3 s", "4 min", "2 h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}

/** "3 s ago" / "in 12 s" relative to `now`. */
export function formatRelative(at: number, now: number): string {
  return at <= now ? `${formatSpan(now - at)} ago` : `in ${formatSpan(at - now)}`;
}

/** A 0..1 ratio as a percentage, e.g. "42%". */
export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** A detail value as text: primitives as-is, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return NONE;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
