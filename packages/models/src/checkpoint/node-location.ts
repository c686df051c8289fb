/// <reference types="node" />
// Node only: the location resolver of `@elbo/models/node`, which also knows directory paths.
import { fileURLToPath } from 'node:url';
import { fileCheckpointHandler } from './file-handler.js';
import { resolveUrlLocation, type LocationResolver } from './location.js';

/** Resolves a directory path or a `file://` URL to the atomic file handler, anything else as the main entry does. */
export const resolveNodeLocation: LocationResolver = (location, purpose, arg, fn) => {
  if (typeof location === 'string' && location !== '') {
    const isFileUrl = location.startsWith('file://');
    if (isFileUrl || !/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
      const dir = isFileUrl ? fileURLToPath(location) : location;
      return { handler: fileCheckpointHandler(dir), source: `'${dir}'` };
    }
  }
  return resolveUrlLocation(location, purpose, arg, fn);
};
