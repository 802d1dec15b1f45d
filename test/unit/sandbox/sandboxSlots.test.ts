import { withSandboxSlot } from '../../../activities/sandbox/sandboxSlots';
import { SlotSignal } from '../../../activities/sandbox/slotSignal';

// A host with 2 slots, its live count kept here instead of Docker's; the waits are real timers.
function host(slots: number) {
  process.env.SWE_RL_SANDBOX_SLOTS = String(slots);
  let live = 0;
  const counted: number[] = [];
  const signal = new SlotSignal();
  return {
    signal,
    counted,
    place: () => withSandboxSlot(async () => ++live, { count: async () => (counted.push(live), live), signal }),
    free: () => {
      live--;
      signal.release();
    },
  };
}

describe('withSandboxSlot', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('lets a waiting placement in when a slot is freed, counting once per freed slot rather than polling', async () => {
    process.env.SWE_RL_SLOT_RECHECK_SECONDS = '30';
    const h = host(2);
    await h.place();
    await h.place();
    let third = false;
    const waiting = h.place().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(third).toBe(false);
    expect(h.signal.waiting).toBe(1);
    expect(h.counted).toEqual([0, 1, 2]);
    h.free();
    await waiting;
    // One count when it was woken, and it found the freed slot: no count between.
    expect(h.counted).toEqual([0, 1, 2, 1]);
  });

  it('wakes the longest waiter only when one slot is freed', async () => {
    process.env.SWE_RL_SLOT_RECHECK_SECONDS = '30';
    const h = host(1);
    await h.place();
    const order: string[] = [];
    const first = h.place().then(() => order.push('first'));
    await new Promise((r) => setTimeout(r, 50));
    const second = h.place().then(() => order.push('second'));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.signal.waiting).toBe(2);
    h.free();
    await first;
    expect(order).toEqual(['first']);
    expect(h.signal.waiting).toBe(1);
    h.free();
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('sees a slot freed outside this process at the recheck', async () => {
    process.env.SWE_RL_SLOT_RECHECK_SECONDS = '0.2';
    let live = 1;
    process.env.SWE_RL_SANDBOX_SLOTS = '1';
    const placed = withSandboxSlot(async () => 'in', { count: async () => live, signal: new SlotSignal() });
    setTimeout(() => (live = 0), 100); // another worker removed its sandbox; nothing released here
    await expect(placed).resolves.toBe('in');
  });

  it('fails with the retryable NoSandboxSlot when no slot frees within the wait', async () => {
    process.env.SWE_RL_SLOT_WAIT_SECONDS = '0.3';
    process.env.SWE_RL_SLOT_RECHECK_SECONDS = '0.1';
    process.env.SWE_RL_SANDBOX_SLOTS = '1';
    const counts: number[] = [];
    const placing = withSandboxSlot(async () => 'in', { count: async () => (counts.push(1), 1), signal: new SlotSignal() });
    await expect(placing).rejects.toMatchObject({ type: 'NoSandboxSlot', nonRetryable: false });
    // Rechecked about every 100 ms over 300 ms, not every few ms.
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts.length).toBeLessThanOrEqual(6);
  });
});
