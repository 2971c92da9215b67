/**
 * One guarded attempt at sending a planned batch to CloudWatch Logs: get the
 * AWS credentials, put the batch, and when the group or stream is missing
 * create them and put again; the outcome tells the shipper's retry loop what
 * to do next.
 */
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
  type PutLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { AwsCredentialSource } from '../aws/awsCredentials.js';
import { FailureKinds, classifyFailure, toShipError, type ShipError } from './cloudwatchErrors.js';
import type { InputLogEvent, PlannedBatch } from '../logs/logEvents.js';
import type { CallGuard } from './shipperOptions.js';

/** Outcome of one guarded attempt at sending a batch. */
export type Attempt =
  | { kind: 'ok'; rejected: number }
  | { kind: 'data'; err: unknown }
  | { kind: 'config'; err: unknown }
  | { kind: 'retry' | 'stop'; error: ShipError };

/** Where and how a batch is sent. */
export interface AttemptTarget {
  client: CloudWatchLogsClient;
  logGroup: string;
  logStream: string;
  /** Deadline of one attempt (all its requests), ms. */
  timeoutMs: number;
  guard: CallGuard | undefined;
  /** Where the client's credentials come from, when the shipper manages them. */
  credentials?: AwsCredentialSource | undefined;
}

/**
 * Sends `batch` once through the guard, within `timeoutMs` and the flush
 * `budget`. The deadline aborts with a TimeoutError reason, so the HTTP pool
 * counts it as a timeout while a budget or guard abort counts as the caller's.
 *
 * Credentials are got first, outside the guard and within the same deadline:
 * the SDK would wait for them without honouring the abort signal, and an STS
 * outage is not CloudWatch's, so it must neither hold the flush past its
 * budget nor open CloudWatch's breaker.
 */
export async function attemptBatch(
  target: AttemptTarget,
  batch: PlannedBatch<InputLogEvent>,
  budget: AbortSignal,
): Promise<Attempt> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DOMException('The CloudWatch Logs request timed out.', 'TimeoutError')),
    target.timeoutMs,
  );
  if (target.credentials) {
    try {
      await target.credentials.get(AbortSignal.any([budget, deadline.signal]));
    } catch (err) {
      clearTimeout(timer);
      return { kind: 'stop', error: toShipError(FailureKinds.credentials, err, Date.now()) };
    }
  }
  let thrown: unknown = undefined;
  const run = async (guardSignal?: AbortSignal): Promise<Attempt> => {
    const sources = guardSignal ? [budget, deadline.signal, guardSignal] : [budget, deadline.signal];
    const signal = AbortSignal.any(sources);
    try {
      try {
        return okResult(batch, await put(target, batch, signal));
      } catch (err) {
        if (classifyFailure(err) !== FailureKinds.notFound) throw err;
        await createDestination(target, signal);
        return okResult(batch, await put(target, batch, signal));
      }
    } catch (err) {
      const kind = classifyFailure(err);
      if (kind === FailureKinds.accepted) return { kind: 'ok', rejected: 0 };
      // Refusals of the data or the credentials are answers, not outages: keep them from the breaker.
      if (kind === FailureKinds.data) return { kind: 'data', err };
      if (kind === FailureKinds.config) return { kind: 'config', err };
      // The SDK asked the source again while signing and it failed (credentials expired meanwhile).
      if (kind === FailureKinds.credentials) return { kind: 'stop', error: toShipError(kind, err, Date.now()) };
      thrown = err;
      throw err;
    }
  };
  try {
    return await (target.guard ? target.guard.execute(run) : run());
  } catch (err) {
    const at = Date.now();
    if (budget.aborted) return { kind: 'stop', error: toShipError('budget', err, at) };
    if (err !== thrown) return { kind: 'stop', error: toShipError('guard', err, at) };
    if (deadline.signal.aborted) return { kind: 'retry', error: toShipError('timeout', err, at) };
    const kind = classifyFailure(err);
    return { kind: kind === FailureKinds.aborted ? 'stop' : 'retry', error: toShipError(kind, err, at) };
  } finally {
    clearTimeout(timer);
  }
}

function put(
  target: AttemptTarget,
  batch: PlannedBatch<InputLogEvent>,
  abortSignal: AbortSignal,
): Promise<PutLogEventsCommandOutput> {
  const command = new PutLogEventsCommand({
    logGroupName: target.logGroup,
    logStreamName: target.logStream,
    logEvents: batch.logEvents,
  });
  return target.client.send(command, { abortSignal });
}

/** Creates the group then the stream; "already exists" counts as success. */
async function createDestination(target: AttemptTarget, abortSignal: AbortSignal): Promise<void> {
  const { client, logGroup, logStream } = target;
  const ignoreExists = (err: unknown) => {
    if ((err as { name?: string }).name !== 'ResourceAlreadyExistsException') throw err;
  };
  await client.send(new CreateLogGroupCommand({ logGroupName: logGroup }), { abortSignal }).catch(ignoreExists);
  await client
    .send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: logStream }), { abortSignal })
    .catch(ignoreExists);
}

/** The attempt's result from PutLogEvents' answer: events refused as too old or too new are counted. */
function okResult(batch: PlannedBatch<InputLogEvent>, out: PutLogEventsCommandOutput): Attempt {
  const info = out.rejectedLogEventsInfo;
  if (!info) return { kind: 'ok', rejected: 0 };
  const n = batch.logEvents.length;
  const tooOld = Math.max(info.tooOldLogEventEndIndex ?? -1, info.expiredLogEventEndIndex ?? -1) + 1;
  const tooNew = info.tooNewLogEventStartIndex === undefined ? 0 : n - info.tooNewLogEventStartIndex;
  return { kind: 'ok', rejected: Math.min(n, tooOld + tooNew) };
}
