import { describe, expect, it } from 'vitest';
import { ControlError, controlCaller } from './controlClient.ts';
import type { ControlSend } from './controlClient.ts';

/** A `send` answering `status` with `text`, recording what it was asked. */
function answering(status: number, text: string) {
  const seen: Parameters<ControlSend>[] = [];
  const send: ControlSend = (url, init) => {
    seen.push([url, init]);
    return Promise.resolve({ ok: status >= 200 && status < 300, status, text: () => Promise.resolve(text) });
  };
  return { send, seen };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable(),
    (e: unknown) => e,
  );

describe('controlCaller', () => {
  it('sends JSON only with a body, under /__control/, and parses the answer', async () => {
    const { send, seen } = answering(200, '{"ok":true}');
    const call = controlCaller('http://h:1', 'thing', 'Start it.', send);
    expect(await call('GET', 'a')).toEqual({ ok: true });
    expect(await call('PUT', 'b/c', { x: 1 })).toEqual({ ok: true });
    expect(seen).toEqual([
      ['http://h:1/__control/a', { method: 'GET', headers: {} }],
      ['http://h:1/__control/b/c', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"x":1}' }],
    ]);
  });

  it.each([
    [400, '{"error":{"code":"BAD","message":"why"}}', 'BAD', 'why'],
    [409, '{"error":{"message":"taken"}}', 'http-409', 'taken'],
    [502, 'not json', 'http-502', 'The thing answered HTTP 502.'],
    [500, '{"error":{"code":5,"message":null}}', 'http-500', 'The thing answered HTTP 500.'],
  ])('HTTP %s %s -> %s', async (status, text, code, message) => {
    const err = await rejection(
      controlCaller('http://h:1', 'thing', 'Start it.', answering(status, text).send)('GET', 'x'),
    );
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ code, message, status });
  });

  it('names the server and how to start it when it cannot be reached', async () => {
    const send: ControlSend = () => Promise.reject(new Error('ECONNREFUSED'));
    const err = await rejection(controlCaller('http://h:1', 'thing', 'Start it.', send)('GET', 'x'));
    expect(err).toMatchObject({
      code: 'network-error',
      status: null,
      message: 'Could not reach the thing at http://h:1 (ECONNREFUSED). Start it.',
    });
  });
});
