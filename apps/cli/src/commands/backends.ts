import { listBackends, useBackend, type BackendInfo } from '@elbo/backends';
import type { Io } from '../io.js';

/** The JSON `elbo backends --json` prints. */
export interface BackendsReport {
  readonly auto: string;
  readonly autoReason: string;
  readonly backends: readonly BackendInfo[];
}

/** Probes every backend and the one `auto` would choose. */
export async function backendsReport(): Promise<BackendsReport> {
  const backends = await listBackends();
  const auto = await useBackend('auto');
  return { auto: auto.name, autoReason: auto.reason, backends };
}

/** `elbo backends [--json]`: which TensorFlow.js backends run here, and which one `auto` picks. */
export async function backendsCommand(options: { json?: boolean }, io: Io): Promise<number> {
  const report = await backendsReport();
  if (options.json === true) {
    io.stdout(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const width = Math.max(...report.backends.map((b) => b.name.length), 'backend'.length);
  const lines = [`${'backend'.padEnd(width)}  available  reason`];
  for (const b of report.backends) {
    lines.push(
      `${b.name.padEnd(width)}  ${(b.available ? 'yes' : 'no').padEnd(9)}  ${b.reason ?? ''}`.trimEnd(),
    );
  }
  lines.push('', `auto → ${report.auto}: ${report.autoReason}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
