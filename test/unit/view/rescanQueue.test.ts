import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RescanQueue, type RescanWork, type Scheduler } from '../../../src/core/view/rescanQueue';

/** A clock the test moves by hand. */
class FakeScheduler implements Scheduler {
  time = 0;
  private timers: { id: number; due: number; callback: () => void }[] = [];
  private nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, due: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  now(): number {
    return this.time;
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.due;
      next.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(run?: (work: RescanWork[]) => Promise<void>): { queue: RescanQueue; clock: FakeScheduler; runs: RescanWork[][] } {
  const clock = new FakeScheduler();
  const runs: RescanWork[][] = [];
  const queue = new RescanQueue(
    async (work) => {
      runs.push(work);
      await run?.(work);
    },
    { quietMs: 300, maxWaitMs: 2000, fullScanThreshold: 200, scheduler: clock },
  );
  return { queue, clock, runs };
}

describe('rescan queue', () => {
  test('a burst of changes is one update after a quiet period, each path once', async () => {
    const { queue, clock, runs } = setup();
    queue.add('w', ['/w/a.py']);
    await clock.advance(200);
    queue.add('w', ['/w/b.py', '/w/a.py']);
    await clock.advance(299);
    assert.equal(runs.length, 0, 'still inside the quiet period of the last change');
    await clock.advance(1);
    assert.deepEqual(runs, [[{ scope: 'w', full: false, paths: ['/w/a.py', '/w/b.py'] }]]);
  });

  test('a branch switch touching 5,000 files is ONE full scan', async () => {
    const { queue, clock, runs } = setup();
    for (let i = 0; i < 5000; i++) {
      queue.add('w', [`/w/f${i}.py`]);
      if (i % 500 === 0) await clock.advance(10);
    }
    await clock.advance(1000);
    assert.deepEqual(runs, [[{ scope: 'w', full: true, paths: [] }]]);
  });

  test('changes that never pause are still scanned after the max wait', async () => {
    const { queue, clock, runs } = setup();
    for (let t = 0; t < 2500; t += 100) {
      queue.add('w', [`/w/${t}.py`]);
      await clock.advance(100);
    }
    assert.equal(runs.length, 1);
    assert.ok(clock.time >= 2000);
  });

  test('runs never overlap; what changes during a run is the next run', async () => {
    let release: () => void = () => {};
    let active = 0;
    let maxActive = 0;
    const { queue, clock, runs } = setup(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => (release = resolve));
      active--;
    });
    queue.requestFull('w');
    await clock.advance(0);
    assert.equal(runs.length, 1);
    queue.add('w', ['/w/a.py']);
    await clock.advance(1000);
    assert.equal(runs.length, 1, 'waits for the running scan');
    release();
    await clock.advance(0);
    assert.equal(runs.length, 2);
    assert.deepEqual(runs[1], [{ scope: 'w', full: false, paths: ['/w/a.py'] }]);
    release();
    await settle();
    assert.equal(maxActive, 1);
  });

  test('a requested full scan absorbs pending paths and is not postponed by later changes', async () => {
    const { queue, clock, runs } = setup();
    queue.add('w', ['/w/a.py']);
    queue.add('v', ['/v/b.py']);
    queue.requestFull('w');
    queue.add('w', ['/w/c.py']);
    await clock.advance(0);
    assert.deepEqual(runs, [[{ scope: 'w', full: true, paths: [] }, { scope: 'v', full: false, paths: ['/v/b.py'] }]]);
  });

  test('a folder event asks for a full scan after the same quiet period, once per burst', async () => {
    const { queue, clock, runs } = setup();
    queue.add('w', ['/w/a.py']);
    queue.addFull('w');
    await clock.advance(100);
    queue.addFull('w');
    queue.add('w', ['/w/b.py']);
    await clock.advance(299);
    assert.equal(runs.length, 0);
    await clock.advance(1);
    assert.deepEqual(runs, [[{ scope: 'w', full: true, paths: [] }]]);
  });

  test('whenIdle waits for pending and running work; errors are reported and the queue goes on', async () => {
    const errors: unknown[] = [];
    const clock = new FakeScheduler();
    let fail = true;
    const queue = new RescanQueue(
      async () => {
        if (fail) {
          fail = false;
          throw new Error('boom');
        }
      },
      { quietMs: 300, maxWaitMs: 2000, fullScanThreshold: 200, scheduler: clock, onError: (e) => errors.push(e) },
    );
    let idle = false;
    queue.add('w', ['/w/a.py']);
    void queue.whenIdle().then(() => (idle = true));
    await settle();
    assert.equal(idle, false);
    await clock.advance(300);
    assert.equal(idle, true);
    assert.equal((errors[0] as Error).message, 'boom');
    queue.add('w', ['/w/a.py']);
    await clock.advance(300);
    assert.equal(errors.length, 1);
    assert.ok(queue.isIdle());
  });

  test('dispose drops what is pending and wakes waiters', async () => {
    const { queue, clock, runs } = setup();
    queue.add('w', ['/w/a.py']);
    const idle = queue.whenIdle();
    queue.dispose();
    await idle;
    await clock.advance(1000);
    assert.equal(runs.length, 0);
  });
});
