import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { recordingIo } from './testing-io.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe('elbo backends', () => {
  it('--json reports every backend and auto = wasm here (tensorflow unavailable, with its reason)', async () => {
    const io = recordingIo();
    expect(await main(['backends', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as {
      auto: string;
      backends: { name: string; available: boolean; reason?: string }[];
    };
    expect(report.backends.map((b) => b.name)).toEqual(['tensorflow', 'wasm', 'webgl', 'cpu']);
    const tensorflow = report.backends[0];
    if (tensorflow?.available === true) {
      expect(report.auto).toBe('tensorflow');
    } else {
      expect(report.auto).toBe('wasm');
      expect(tensorflow?.reason).toMatch(/@tensorflow\/tfjs-node/);
    }
  });

  it('prints a readable table by default', async () => {
    const io = recordingIo();
    expect(await main(['backends'], io)).toBe(0);
    expect(io.out()).toMatch(/^backend\s+available\s+reason\n/);
    expect(io.out()).toMatch(/\nwasm\s+yes\n/);
    expect(io.out()).toMatch(/\nauto → (wasm|tensorflow): /);
  });

  it('an unknown command or option fails with a message, not a stack trace', async () => {
    const io = recordingIo();
    expect(await main(['bakends'], io)).not.toBe(0);
    expect(io.err()).toContain("unknown command 'bakends'");
    const io2 = recordingIo();
    expect(await main(['backends', '--jsn'], io2)).not.toBe(0);
    expect(io2.err()).toContain("unknown option '--jsn'");
    expect(io2.err()).not.toMatch(/\n\s+at /);
  });

  it('the built bin runs as a real process', () => {
    expect(existsSync(bin), `${bin} is missing: build first (pnpm build)`).toBe(true);
    const out = execFileSync(process.execPath, [bin, 'backends', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).backends).toHaveLength(4);
    const bad = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("unknown command 'nope'");
  });
});
