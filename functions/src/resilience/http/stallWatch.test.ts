import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StallWatch } from './stallWatch.js';

/** Blocks this process's event loop for `ms`. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('StallWatch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reports a stall of the event loop while it watches', async () => {
    const watch = StallWatch.start();
    await sleep(30);
    block(150);
    await sleep(40);
    expect(watch.stop()).toBeGreaterThanOrEqual(120);
  });

  it('knows of a stall in progress before the monitor has ticked', () => {
    const watch = StallWatch.start();
    block(120);
    expect(watch.stop()).toBeGreaterThanOrEqual(100);
  });

  it('does not charge a watch with a stall that ended before it started', async () => {
    const early = StallWatch.start();
    block(150);
    const late = StallWatch.start();
    await sleep(60);
    expect(early.stop()).toBeGreaterThanOrEqual(120);
    expect(late.stop()).toBeLessThan(80);
  });

  it('reports about nothing on an idle loop', async () => {
    const watch = StallWatch.start();
    await sleep(100);
    expect(watch.stop()).toBeLessThan(80);
  });

  it('counts how late a fired deadline came as a stall', async () => {
    const watch = StallWatch.start();
    await sleep(10);
    block(100);
    // A deadline of 20 ms that could only fire after the 100 ms block.
    expect(watch.stop(20)).toBeGreaterThanOrEqual(80);
  });

  it('shares one timer among all open watches and stops it when none is open', async () => {
    // The monitor of earlier tests stops at its first tick without watches.
    await sleep(60);
    const started = vi.spyOn(globalThis, 'setInterval');
    const stopped = vi.spyOn(globalThis, 'clearInterval');
    const watches = Array.from({ length: 50 }, () => StallWatch.start());
    for (const w of watches.slice(0, 25)) w.stop();
    for (let i = 0; i < 25; i++) StallWatch.start().stop();
    await sleep(5);
    for (const w of watches.slice(25)) w.stop();
    expect(started).toHaveBeenCalledTimes(1);
    expect(stopped).not.toHaveBeenCalled();
    await sleep(60);
    expect(stopped).toHaveBeenCalledTimes(1);
  });
});
