import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.js';
import { expandMatrix, parseMatrixConfig, runMatrix } from './matrix.js';

describe('test-all matrix', () => {
  it('expands dbs × workloads × nemeses × seeds in a stable order', () => {
    const c = parseMatrixConfig({ dbs: ['raft', 'etcd'], workloads: ['register'], nemeses: ['partition,kill', ['pause'], 'none'], seeds: [1, 2], timeLimit: 5 }, 'm.json');
    const cells = expandMatrix(c);
    expect(cells).toHaveLength(12);
    expect(cells[0]).toEqual({ db: 'raft', workload: 'register', nemesis: ['partition', 'kill'], seed: 1, timeLimitS: 5 });
    expect(cells[5]!.nemesis).toEqual([]);
    expect(cells[11]).toMatchObject({ db: 'etcd', nemesis: [], seed: 2 });
  });
  it('names the file and key of a bad config', () => {
    expect(() => parseMatrixConfig({ workloads: ['register'], sedes: [1] }, 'm.json')).toThrow(/m\.json: sedes: unknown key/);
    expect(() => parseMatrixConfig({ workloads: [] }, 'm.json')).toThrow(/m\.json: workloads/);
    expect(() => parseMatrixConfig({ workloads: ['r'], seeds: [-1] }, 'm.json')).toThrow(/seeds/);
    expect(() => parseMatrixConfig({ workloads: ['r'], timeLimit: 0 }, 'm.json')).toThrow(FaultlineError);
    expect(() => parseMatrixConfig({ workloads: ['r'], availability: 2 }, 'm.json')).toThrow(/m\.json: availability/);
  });
  it('passes an availability requirement to every cell', () => {
    const cells = expandMatrix(parseMatrixConfig({ workloads: ['register'], seeds: [1, 2], availability: 'total' }, 'm.json'));
    expect(cells.map((c) => c.availability)).toEqual([1, 1]);
  });
  it('runs every cell, recording crashes and going on', async () => {
    const cells = expandMatrix(parseMatrixConfig({ workloads: ['register', 'set'], seeds: [1, 2] }, 'm.json'));
    const seen: string[] = [];
    const runs = await runMatrix(cells, async (c) => {
      if (c.workload === 'set' && c.seed === 1) throw new Error('boom');
      const valid = c.seed === 2 ? false : true;
      return { dir: `d/${c.workload}/${c.seed}`, valid, results: { valid }, test: { name: c.workload, seed: c.seed } as never };
    }, (r, c) => seen.push(`${c.workload}:${c.seed}:${r.crash ? 'crash' : r.results!.valid}`));
    expect(seen).toEqual(['register:1:true', 'register:2:false', 'set:1:crash', 'set:2:false']);
    expect(runs[2]!.crash).toMatch(/boom/);
    expect(runs[2]!.test).toMatchObject({ db: 'raft', workload: 'set', seed: 1 });
  });
});
