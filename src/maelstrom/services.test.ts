import { afterEach, describe, expect, it } from 'vitest';
import { MaelstromClient, RpcDefinite } from './client.js';
import { Router } from './router.js';
import { startServices } from './services.js';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

function setup(seed = 1): { router: Router; c: MaelstromClient } {
  const router = new Router(seed);
  stop = startServices(router, seed);
  return { router, c: new MaelstromClient(router, 'n1') };
}

describe("Maelstrom's services", () => {
  it('lin-kv: read/write/cas with key-does-not-exist (20) and precondition-failed (22)', async () => {
    const { c } = setup();
    await expect(c.request('lin-kv', { type: 'read', key: 'a' }, 500)).rejects.toMatchObject({ code: 20 });
    await expect(c.request('lin-kv', { type: 'cas', key: 'a', from: 1, to: 2 }, 500)).rejects.toMatchObject({ code: 20 });
    expect((await c.request('lin-kv', { type: 'cas', key: 'a', from: 1, to: 2, create_if_not_exists: true }, 500)).type).toBe('cas_ok');
    expect(await c.request('lin-kv', { type: 'read', key: 'a' }, 500)).toMatchObject({ type: 'read_ok', value: 2 });
    const e = await c.request('lin-kv', { type: 'cas', key: 'a', from: 1, to: 3 }, 500).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RpcDefinite);
    expect(e).toMatchObject({ code: 22 });
    expect((await c.request('lin-kv', { type: 'write', key: [1, 'x'], value: { deep: [1] } }, 500)).type).toBe('write_ok');
    expect(await c.request('lin-kv', { type: 'read', key: [1, 'x'] }, 500)).toMatchObject({ value: { deep: [1] } });
    await expect(c.request('lin-kv', { type: 'frob', key: 'a' }, 500)).rejects.toMatchObject({ code: 10 });
  });

  it('lin-tso hands out increasing timestamps', async () => {
    const { c } = setup();
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) ts.push((await c.request('lin-tso', { type: 'ts' }, 500)).ts as number);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Set(ts).size).toBe(5);
  });

  it("seq-kv: another caller may read stale values, but a caller's view never goes back and it sees its own writes", async () => {
    const { router, c } = setup(7);
    const other = new MaelstromClient(router, 'n2');
    let stale = 0;
    let last = 0;
    for (let i = 1; i <= 200; i++) {
      await c.request('seq-kv', { type: 'write', key: 'k', value: i }, 500);
      expect((await c.request('seq-kv', { type: 'read', key: 'k' }, 500)).value).toBe(i);
      const v = await other.request('seq-kv', { type: 'read', key: 'k' }, 500).then((b) => b.value as number, () => 0);
      expect(v).toBeGreaterThanOrEqual(last);
      expect(v).toBeLessThanOrEqual(i);
      if (v < i) stale++;
      last = v;
    }
    expect(stale).toBeGreaterThan(0);
  });

  it('lww-kv: reads right after a write may be stale; replicas converge', async () => {
    const { c } = setup(3);
    let stale = 0;
    for (let i = 1; i <= 50; i++) {
      await c.request('lww-kv', { type: 'write', key: 'k', value: i }, 500);
      const v = await c.request('lww-kv', { type: 'read', key: 'k' }, 500).then((b) => b.value, () => null);
      if (v !== i) stale++;
    }
    expect(stale).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 10; i++) expect((await c.request('lww-kv', { type: 'read', key: 'k' }, 500)).value).toBe(50);
  });
});
