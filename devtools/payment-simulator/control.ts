/**
 * The simulator's control API under /__control/ (docs/payment-provider.md):
 * unauthenticated and CORS-enabled so the admin SPA on another origin can
 * switch faults and read the ledger and counters. Never delayed or failed by faults.
 */
import type { IncomingMessage } from 'node:http';
import { controlHandler } from '../shared/control.ts';
import { FaultConfigError } from './faults.ts';
import type { FaultConfig } from './faults.ts';
import type { LedgerSnapshot } from './ledger.ts';
import type { SettledStatus } from './refunds.ts';
import { error, readJson } from './replies.ts';
import type { Reply } from './replies.ts';
import type { RefundSnapshot } from './shapes.ts';
import type { SimulatorStats } from './traffic.ts';

/** What the control API reads and changes. */
export type ControlTarget = {
  faults(): FaultConfig;
  /** Validates and stores; throws FaultConfigError. */
  setFaults(next: FaultConfig): FaultConfig;
  ledger(): LedgerSnapshot;
  refunds(): RefundSnapshot;
  /** Settles a pending refund: 200 with it, 404 when unknown, 409 when already final. */
  settleRefund(refundId: string, status: SettledStatus, failureReason?: string): Reply;
  stats(): SimulatorStats;
  reset(): void;
};

export { isControlPath } from '../shared/control.ts';

async function route(target: ControlTarget, req: IncomingMessage, method: string, path: string): Promise<Reply> {
  const name = `${method} ${path}`;
  if (name === 'GET /__control/faults') return { status: 200, body: target.faults() };
  if (name === 'PUT /__control/faults') {
    const body = await readJson(req);
    if (!body.ok) return body.reply;
    try {
      return { status: 200, body: target.setFaults(body.value as FaultConfig) };
    } catch (err) {
      if (err instanceof FaultConfigError) return error(400, err.code, err.message);
      throw err;
    }
  }
  if (name === 'GET /__control/ledger') return { status: 200, body: target.ledger() };
  if (name === 'GET /__control/refunds') return { status: 200, body: target.refunds() };
  if (name === 'POST /__control/refunds/settle') {
    const body = await readJson(req);
    if (!body.ok) return body.reply;
    const { refundId, status, failureReason } = (body.value ?? {}) as Record<string, unknown>;
    if (typeof refundId !== 'string' || (status !== 'succeeded' && status !== 'failed')) {
      return error(400, 'INVALID_REQUEST', 'Send {"refundId": "...", "status": "succeeded" | "failed"}.');
    }
    if (failureReason !== undefined && typeof failureReason !== 'string') {
      return error(400, 'INVALID_REQUEST', '"failureReason" must be a string.');
    }
    return target.settleRefund(refundId, status, failureReason);
  }
  if (name === 'GET /__control/stats') return { status: 200, body: target.stats() };
  if (name === 'POST /__control/reset') {
    target.reset();
    return { status: 200, body: { ok: true } };
  }
  return error(404, 'NOT_FOUND', `No control endpoint ${name}.`);
}

/** Answers one control request, CORS preflights included. */
export const handleControl = controlHandler(route);
