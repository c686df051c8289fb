// Every test file starts on a real backend: cpu in Node, webgl in Chromium. Suites that must run on each
// backend use `describeEachBackend` from @elbo/testing, which switches and asserts the switch.
import { useBackend } from '@elbo/backends';
import { testBackends } from '@elbo/testing';

await useBackend(testBackends()[0] ?? 'cpu');
