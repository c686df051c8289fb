// The one side effect of @elbo/backends: register tfjs-core's gradients, which tfjs-core alone does not.
// `#register-gradients` (package.json "imports") is tfjs-core's own registration module for bundlers, and
// a prebuilt ES module of it in Node (see scripts/build-assets.mjs).
import '#register-gradients';
