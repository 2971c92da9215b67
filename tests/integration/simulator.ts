// Drives the payment simulator started by scripts/test.mjs through its control API.
import { simulatorControl } from '../../devtools/payment-simulator/client.ts';

export const SIMULATOR_URL = process.env.PAYMENT_SIMULATOR_URL ?? 'http://127.0.0.1:8710';

const control = simulatorControl(SIMULATOR_URL);

export const setFaults = control.setFaults;
export const ledger = control.ledger;
export const refunds = control.refunds;
export const settleRefund = control.settleRefund;
export const stats = control.stats;
