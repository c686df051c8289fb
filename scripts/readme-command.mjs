#!/usr/bin/env node
// Prints the README's main or test command (the code block after `<!-- main-command -->` or
// `<!-- test-command -->`), so that CI runs exactly what a newcomer reads.
import { readFileSync } from 'node:fs';

const which = process.argv[2];
if (which !== 'main' && which !== 'test') {
  console.error('usage: node scripts/readme-command.mjs main|test');
  process.exit(2);
}
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const match = readme.match(new RegExp(`<!-- ${which}-command -->\\s*\`\`\`sh\\n([^\\n]+)\\n\`\`\``));
if (match === null) {
  console.error(`README.md has no \`<!-- ${which}-command -->\` code block`);
  process.exit(1);
}
console.log(match[1]);
