/** Prop shapes shared between panels and their small display components. */

/** One labelled number of a StatList. */
export type StatItem = { label: string; value: string | number; testid?: string };

/** One latency series; a percentile absent from the row is not measured, null means "no samples". */
export type PercentileRow = { label: string; p50?: number | null; p95?: number | null; p99?: number | null };
