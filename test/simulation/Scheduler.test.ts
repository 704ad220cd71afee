import { describe, expect, it } from 'vitest';
import { Prng } from '../../simulation/Prng.js';
import { Scheduler } from '../../simulation/Scheduler.js';

describe('Prng', () => {
  it('replays the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const prng = new Prng(seed);
      return Array.from({ length: 5 }, () => prng.nextUint32());
    };

    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in range and is roughly uniform', () => {
    const prng = new Prng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[prng.int(0, 3)]! += 1;

    for (const c of counts) expect(c).toBeGreaterThan(9_500);
    expect(counts.reduce((a, b) => a + b)).toBe(40_000);
  });

  it('makes 64-hex tokens', () => {
    expect(new Prng(3).hex(32)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('Scheduler', () => {
  it('runs events in time order, ties in insertion order, moving the virtual clock', async () => {
    const scheduler = new Scheduler('2026-01-06T00:00:00Z');
    const seen: string[] = [];
    scheduler.after(30, () => void seen.push(`b@${scheduler.clock.now().toISOString()}`));
    scheduler.after(10, () => void seen.push(`a@${scheduler.clock.now().toISOString()}`));
    scheduler.after(30, () => void seen.push('c'));

    await scheduler.run();

    expect(seen).toEqual(['a@2026-01-06T00:00:10.000Z', 'b@2026-01-06T00:00:30.000Z', 'c']);
  });

  it('lets events schedule more events and awaits async ones before the next', async () => {
    const scheduler = new Scheduler();
    const seen: number[] = [];
    scheduler.after(1, async () => {
      await Promise.resolve();
      seen.push(1);
      scheduler.after(1, () => void seen.push(3));
    });
    scheduler.after(1.5, () => void seen.push(2));

    await scheduler.run();

    expect(seen).toEqual([1, 2, 3]);
  });

  it('repeats a schedule while asked to', async () => {
    const scheduler = new Scheduler();
    let ticks = 0;
    scheduler.every(60, () => void (ticks += 1), () => ticks < 3);

    await scheduler.run();

    expect(ticks).toBe(3);
  });

  it('says it drained when no event is left', async () => {
    const scheduler = new Scheduler();
    scheduler.after(1, () => undefined);

    expect(await scheduler.run()).toEqual({ type: 'drained' });
  });

  it('ends a run that never drains at its event limit, leaving the rest queued', async () => {
    const scheduler = new Scheduler();
    const forever = (): void => scheduler.after(1, forever);
    scheduler.after(1, forever);

    const end = await scheduler.run(undefined, { maxEvents: 50, maxSimulatedMs: Number.POSITIVE_INFINITY });

    expect(end).toEqual({ type: 'stalled', reason: '50 events processed and 1 still queued' });
    expect(scheduler.eventsProcessed).toBe(50);
    expect(scheduler.pending).toBe(1);
  });

  it('ends a run at its time limit without running the event past it', async () => {
    const scheduler = new Scheduler();
    const seen: number[] = [];
    scheduler.after(10, () => void seen.push(10));
    scheduler.after(3 * 86_400, () => void seen.push(3 * 86_400));

    const end = await scheduler.run(undefined, { maxEvents: 1_000, maxSimulatedMs: 2 * 86_400_000 });

    expect(end).toEqual({ type: 'stalled', reason: 'events still queued past 2 simulated days' });
    expect(seen).toEqual([10]);
  });
});
