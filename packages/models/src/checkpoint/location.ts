// Internal: turning a checkpoint location (a tf.io handler or a URL string) into an IOHandler.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import { describeValue } from '../trainer/describe-value.js';

/**
 * Where a checkpoint lives: a tf.io IOHandler (with `save` and `load`), or a URL a tf.io router serves
 * (`indexeddb://name` and `localstorage://name` in browsers, `http(s)://host/dir[/model.json]` to load,
 * `file://` where tfjs-node is installed). File paths in Node: use `@elbo/models/node`.
 *
 * @example
 * await loadCheckpoint('indexeddb://run1');
 * await loadCheckpoint(tf.io.http('https://example.org/run1/model.json'));
 */
export type CheckpointLocation = string | tf.io.IOHandler;

/** A resolved location: the handler and a description of it for messages. */
export interface ResolvedLocation {
  readonly handler: tf.io.IOHandler;
  readonly source: string;
}

/** Resolves a location for saving or loading; the Node entry passes one that also knows file paths. */
export type LocationResolver = (
  location: unknown,
  purpose: 'save' | 'load',
  arg: string,
  fn: string,
) => ResolvedLocation;

function isHandler(x: unknown): x is tf.io.IOHandler {
  return (
    x !== null &&
    typeof x === 'object' &&
    (typeof (x as tf.io.IOHandler).save === 'function' || typeof (x as tf.io.IOHandler).load === 'function')
  );
}

/** Resolves a handler object as itself, and URL strings through tf.io's routers. */
export const resolveUrlLocation: LocationResolver = (location, purpose, arg, fn) => {
  if (isHandler(location)) {
    if (typeof location[purpose] !== 'function') {
      throw new ArgumentError(`${fn}: argument '${arg}' is an IOHandler without a '${purpose}' method`);
    }
    return { handler: location, source: 'the checkpoint handler' };
  }
  if (typeof location !== 'string' || location === '') {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${describeValue(location)}, expected a tf.io.IOHandler or a URL string ('indexeddb://name', 'http://host/dir')`,
    );
  }
  if (tf.io.isHTTPScheme(location)) {
    const url =
      purpose === 'load' && !/\.json(\?|$)/.test(location)
        ? `${location.replace(/\/+$/, '')}/model.json`
        : location;
    return { handler: tf.io.http(url), source: `'${url}'` };
  }
  const handlers = purpose === 'save' ? tf.io.getSaveHandlers(location) : tf.io.getLoadHandlers(location);
  const handler = handlers[0];
  if (handler === undefined) {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${describeValue(location)}, which no tf.io handler serves here; ` +
        `a file path needs Node's file system: import from '@elbo/models/node' instead of '@elbo/models', ` +
        `or in a browser use 'indexeddb://<name>'`,
    );
  }
  return { handler, source: `'${location}'` };
};
