import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ArgumentError, DataFormatError, ElboError } from '@elbo/core';
import type { Io } from '../io.js';

/** One file of a dataset: its standard name and the MD5 its publishers list. */
export interface DatasetFile {
  readonly name: string;
  readonly md5: string;
}

/** A dataset `elbo data download` knows: where it lives and its files. */
export interface DatasetSource {
  /** The base address; each file is `${url}${name}`. */
  readonly url: string;
  readonly files: readonly DatasetFile[];
}

/**
 * The datasets of `elbo data download`, with the MD5 checksums their publishers list: MNIST from the
 * PyTorch mirror of Yann LeCun's files (the checksums of torchvision), Fashion-MNIST from the address
 * its repository (github.com/zalandoresearch/fashion-mnist) gives, with the checksums of its README.
 */
export const DATASETS = {
  mnist: {
    url: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
      { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
      { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
    ],
  },
  'fashion-mnist': {
    url: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
      { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
      { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
    ],
  },
} as const satisfies Record<string, DatasetSource>;

/** The names `elbo data download` accepts. */
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];
export type DatasetName = keyof typeof DATASETS;

/** Options of `elbo data download`. */
export interface DataDownloadOptions {
  /** `mnist` or `fashion-mnist`. */
  readonly dataset: string;
  /** The folder to write into (created if missing). */
  readonly to: string;
  /** Another base address holding the same file names (a mirror, or a local server in tests). */
  readonly mirror?: string;
  /** One JSON object on stdout instead of lines. */
  readonly json?: boolean;
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * `elbo data download mnist|fashion-mnist --to DIR [--mirror URL] [--json]`: downloads the dataset's four
 * IDX files under their standard names, checks each against its published MD5, and writes it atomically
 * (a temporary file in DIR, then a rename), so DIR never holds a partial or corrupt file under a real
 * name. A file already present with the right checksum is skipped; one with a wrong checksum is
 * downloaded again. A download whose checksum is wrong is an error (exit 2 through `main`) that leaves
 * no file behind. Returns the exit code (0). `datasets` replaces the table {@link DATASETS} (for tests).
 */
export async function dataDownloadCommand(
  options: DataDownloadOptions,
  io: Io,
  datasets: Readonly<Record<string, DatasetSource>> = DATASETS,
): Promise<number> {
  const fn = 'data download';
  const source = Object.hasOwn(datasets, options.dataset) ? datasets[options.dataset] : undefined;
  if (source === undefined) {
    throw new ArgumentError(
      `${fn}: unknown dataset '${options.dataset}', expected one of ${Object.keys(datasets).join(', ')}`,
    );
  }
  if (typeof options.to !== 'string' || options.to === '') {
    throw new ArgumentError(`${fn}: --to is missing, expected the folder to write the files into`);
  }
  let base = source.url;
  if (options.mirror !== undefined) {
    let url: URL;
    try {
      url = new URL(options.mirror);
    } catch {
      throw new ArgumentError(`${fn}: --mirror is '${options.mirror}', expected an http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ArgumentError(`${fn}: --mirror is '${options.mirror}', expected an http(s) URL`);
    }
    base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  await mkdir(options.to, { recursive: true });
  const report: Array<{ file: string; status: 'present' | 'downloaded'; bytes: number; md5: string }> = [];
  for (const { name, md5: expected } of source.files) {
    const target = path.join(options.to, name);
    const present = await readIfPresent(target);
    if (present !== undefined && md5(present) === expected) {
      report.push({ file: target, status: 'present', bytes: present.length, md5: expected });
      if (options.json !== true) io.stdout(`${name}: present, checksum ok\n`);
      continue;
    }
    const url = `${base}${name}`;
    if (options.json !== true)
      io.stdout(
        `${name}: downloading ${url}${present === undefined ? '' : ' (the present file has a wrong checksum)'}\n`,
      );
    let bytes: Uint8Array;
    try {
      const response = await fetch(url);
      if (!response.ok) {
        throw new DataFormatError(`${fn}: ${url} answered HTTP ${response.status} ${response.statusText}`);
      }
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof ElboError) throw error;
      throw new DataFormatError(
        `${fn}: cannot download ${url}: ${error instanceof Error ? error.message : String(error)}; check the network or pass --mirror`,
        { cause: error },
      );
    }
    const got = md5(bytes);
    if (got !== expected) {
      throw new DataFormatError(
        `${fn}: ${url} has MD5 ${got}, expected ${expected} (a corrupt download or a wrong mirror); nothing was written for ${name}`,
      );
    }
    const temporary = path.join(options.to, `.${name}.${process.pid}.download`);
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    report.push({ file: target, status: 'downloaded', bytes: bytes.length, md5: got });
    if (options.json !== true) io.stdout(`${name}: ${bytes.length} bytes, checksum ok\n`);
  }
  if (options.json === true) io.stdout(`${JSON.stringify({ dataset: options.dataset, files: report })}\n`);
  return 0;
}
