/// <reference types="node" />
// Node only (node:fs): never imported by the main entry; reached through `@elbo/models/node`.
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DataFormatError } from '@elbo/core';
import { describeValue } from '../trainer/describe-value.js';
import { WEIGHTS_FILE, weightSpecsByteLength } from './checkpoint-format.js';

const MODEL_FILE = 'model.json';
const CHECKPOINT_FILES = new Set([MODEL_FILE, WEIGHTS_FILE]);

/** A tf.io IOHandler on a checkpoint directory, with the directory it writes. */
export interface FileCheckpointHandler extends tf.io.IOHandler {
  /** The absolute path of the checkpoint directory. */
  readonly dir: string;
  /** Writes `model.json` and `weights.bin` into a temporary directory, then swaps it in. */
  save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult>;
  /** Reads and checks `model.json` and the weight files it lists. */
  load(): Promise<tf.io.ModelArtifacts>;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function writeDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes renames durable on POSIX; directories cannot be opened for sync on Windows: skip there.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* not supported on this platform */
  }
}

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of parts) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/**
 * The checkpoint directory's siblings: `<dir>.tmp` (a checkpoint being written) and `<dir>.old` (the
 * previous one while the new one is swapped in). A save goes: write `.tmp` completely and fsync it;
 * rename `<dir>` → `.old`; rename `.tmp` → `<dir>`; remove `.old`. A kill at any point leaves `<dir>`
 * complete, or (between the two renames) no `<dir>` and a complete `.old`: {@link load} then reads
 * `.old`, and the next save first renames it back.
 */
function siblings(dir: string): { tmp: string; old: string } {
  return { tmp: `${dir}.tmp`, old: `${dir}.old` };
}

/**
 * A tf.io IOHandler that saves a checkpoint to a directory (`model.json` + `weights.bin`) atomically and
 * loads it back with checks. Node only: import it from `@elbo/models/node`.
 *
 * @param dir - the checkpoint directory (created with its parents; an existing directory may hold only
 *   `model.json` and `weights.bin`, so that a save never deletes anything else).
 * @throws ArgumentError for an empty path; `load` throws DataFormatError naming the file and the fault.
 * @example
 * import { fileCheckpointHandler, loadCheckpoint } from '@elbo/models/node';
 * const ckpt = await loadCheckpoint(fileCheckpointHandler('runs/mnist'));
 */
export function fileCheckpointHandler(dir: string): FileCheckpointHandler {
  if (typeof dir !== 'string' || dir === '') {
    throw new ArgumentError(
      `fileCheckpointHandler: argument 'dir' is ${describeValue(dir)}, expected a directory path`,
    );
  }
  const target = path.resolve(dir);
  const { tmp, old } = siblings(target);
  const fn = 'fileCheckpointHandler';

  async function checkReplaceable(): Promise<void> {
    const info = await stat(target);
    if (!info.isDirectory()) {
      throw new ArgumentError(
        `${fn}: '${target}' exists and is not a directory; choose another checkpoint path`,
      );
    }
    const foreign = (await readdir(target)).filter((f) => !CHECKPOINT_FILES.has(f));
    if (foreign.length > 0) {
      throw new ArgumentError(
        `${fn}: '${target}' holds files other than a checkpoint (${foreign.slice(0, 3).join(', ')}); ` +
          `a save replaces the whole directory, so choose an empty or new directory`,
      );
    }
  }

  return {
    dir: target,
    async save(artifacts) {
      await mkdir(path.dirname(target), { recursive: true });
      // A save killed between its two renames left no <dir> but a complete .old: put it back first.
      if (!(await exists(target)) && (await exists(path.join(old, MODEL_FILE)))) await rename(old, target);
      if (await exists(target)) await checkReplaceable();
      await rm(tmp, { recursive: true, force: true });
      await rm(old, { recursive: true, force: true });
      await mkdir(tmp);
      const weights = toBytes(artifacts.weightData);
      const modelJson: tf.io.ModelJSON & { format?: string; generatedBy?: string } = {
        modelTopology: (artifacts.modelTopology ?? null) as tf.io.ModelJSON['modelTopology'],
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.format === undefined ? {} : { format: artifacts.format }),
        ...(artifacts.generatedBy === undefined ? {} : { generatedBy: artifacts.generatedBy }),
        ...(artifacts.convertedBy === undefined ? {} : { convertedBy: artifacts.convertedBy }),
        ...(artifacts.userDefinedMetadata === undefined
          ? {}
          : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      await writeDurably(path.join(tmp, WEIGHTS_FILE), weights);
      await writeDurably(path.join(tmp, MODEL_FILE), JSON.stringify(modelJson));
      await syncDirectory(tmp);
      if (await exists(target)) await rename(target, old);
      await rename(tmp, target);
      await syncDirectory(path.dirname(target));
      await rm(old, { recursive: true, force: true });
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load() {
      const from = !(await exists(target)) && (await exists(path.join(old, MODEL_FILE))) ? old : target;
      const modelFile = path.join(from, MODEL_FILE);
      let text: string;
      try {
        text = await readFile(modelFile, 'utf8');
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new DataFormatError(
          code === 'ENOENT'
            ? `loadCheckpoint: file '${modelFile}' is missing: '${target}' holds no checkpoint (train with fit({ checkpoint: { dir } }) first)`
            : `loadCheckpoint: file '${modelFile}' cannot be read (${code ?? String(error)})`,
          { cause: error },
        );
      }
      let json: Partial<tf.io.ModelJSON> & Record<string, unknown>;
      try {
        json = JSON.parse(text) as typeof json;
      } catch (error) {
        throw new DataFormatError(
          `loadCheckpoint: file '${modelFile}' is not valid JSON (${(error as Error).message}); the checkpoint is corrupt`,
          { cause: error },
        );
      }
      if (json === null || typeof json !== 'object' || !Array.isArray(json.weightsManifest)) {
        throw new DataFormatError(
          `loadCheckpoint: file '${modelFile}' has no 'weightsManifest' array; it is not a tfjs model.json`,
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const [i, group] of json.weightsManifest.entries()) {
        const g = group as Partial<tf.io.WeightsManifestConfig[number]> | null;
        if (g === null || typeof g !== 'object' || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
          throw new DataFormatError(
            `loadCheckpoint: file '${modelFile}': weightsManifest[${i}] is not { paths, weights }`,
          );
        }
        const expected = weightSpecsByteLength(g.weights, `loadCheckpoint: file '${modelFile}'`);
        let actual = 0;
        const names: string[] = [];
        for (const p of g.paths) {
          if (typeof p !== 'string' || p === '' || path.basename(p) !== p || p === '.' || p === '..') {
            throw new DataFormatError(
              `loadCheckpoint: file '${modelFile}' lists the weight path ${JSON.stringify(p)}, expected a file name inside the checkpoint directory`,
            );
          }
          const file = path.join(from, p);
          let bytes: Uint8Array;
          try {
            bytes = await readFile(file);
          } catch (error) {
            throw new DataFormatError(
              `loadCheckpoint: file '${file}' (listed in model.json) is missing or unreadable (${(error as { code?: string }).code ?? String(error)})`,
              { cause: error },
            );
          }
          actual += bytes.byteLength;
          names.push(file);
          buffers.push(bytes);
        }
        if (actual !== expected) {
          throw new DataFormatError(
            `loadCheckpoint: file '${names.join("', '")}' holds ${actual} bytes but the manifest in model.json describes ${expected} bytes` +
              (actual < expected ? ' (truncated: the checkpoint is incomplete or corrupt)' : ''),
          );
        }
        specs.push(...(g.weights as tf.io.WeightsManifestEntry[]));
      }
      const total = buffers.reduce((n, b) => n + b.byteLength, 0);
      const weightData = new ArrayBuffer(total);
      const view = new Uint8Array(weightData);
      let offset = 0;
      for (const b of buffers) {
        view.set(b, offset);
        offset += b.byteLength;
      }
      const artifacts: tf.io.ModelArtifacts = { weightSpecs: specs, weightData };
      if (json.modelTopology !== undefined && json.modelTopology !== null) {
        artifacts.modelTopology = json.modelTopology as NonNullable<tf.io.ModelArtifacts['modelTopology']>;
      }
      for (const key of ['format', 'generatedBy', 'convertedBy'] as const) {
        const v = json[key];
        if (typeof v === 'string') artifacts[key] = v;
      }
      if (json.userDefinedMetadata !== undefined) {
        artifacts.userDefinedMetadata = json.userDefinedMetadata as NonNullable<
          tf.io.ModelArtifacts['userDefinedMetadata']
        >;
      }
      return artifacts;
    },
  };
}
