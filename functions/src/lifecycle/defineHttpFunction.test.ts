import type { Request } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { httpHandler, type HttpResponse } from './defineHttpFunction.js';
import { recordingLifecycle } from './testing.js';

/** An Express-like response that records what was sent, in order with the lifecycle's steps. */
function response(steps: string[]) {
  const sent: { status?: number; headers?: Record<string, string>; body?: unknown } = {};
  const res: HttpResponse = {
    status(code) {
      sent.status = code;
      return res;
    },
    set(headers) {
      sent.headers = headers;
      return res;
    },
    json(body) {
      sent.body = body;
      steps.push('sent');
      return res;
    },
  };
  return { res, sent };
}

const REQUEST = { method: 'GET' } as Request;

describe('httpHandler', () => {
  it('does the end-of-call work before answering with the reply', async () => {
    const steps: string[] = [];
    const { res, sent } = response(steps);
    await httpHandler(
      (req, rt: { name: string }) => {
        steps.push(`work ${req.method} ${rt.name}`);
        return Promise.resolve({ status: 503, headers: { 'Cache-Control': 'no-store' }, body: { status: 'down' } });
      },
      recordingLifecycle({ name: 'rt' }, steps),
    )(REQUEST, res);
    expect(steps).toEqual(['work GET rt', 'afterCall', 'sent']);
    expect(sent).toEqual({ status: 503, headers: { 'Cache-Control': 'no-store' }, body: { status: 'down' } });
  });

  it('does the end-of-call work when the work throws, and lets the error reach the platform', async () => {
    const steps: string[] = [];
    const { res, sent } = response(steps);
    const handler = httpHandler(
      () => {
        steps.push('work');
        return Promise.reject(new Error('ledger unavailable'));
      },
      recordingLifecycle({}, steps),
    );
    await expect(handler(REQUEST, res)).rejects.toThrow('ledger unavailable');
    expect(steps).toEqual(['work', 'afterCall']);
    expect(sent).toEqual({});
  });
});
