// Composes the loyalty subgraph (the committed schema.graphql, i.e. `loyalty schema`) with the
// commerce subgraph into a supergraph with @apollo/composition, and prints it.
// Usage: node compose.mjs [LOYALTY_SDL_FILE]   (exit 1 with the composition errors if it fails)
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const here = new URL('.', import.meta.url);
const loyaltySdl = process.argv[2] ?? new URL('../../schema.graphql', here).pathname;

// The URLs of a local demo (`make run` and `make federation-demo`); tests override them.
const result = composeServices([
  { name: 'loyalty', url: 'http://127.0.0.1:8000/graphql', typeDefs: parse(readFileSync(loyaltySdl, 'utf8')) },
  { name: 'commerce', url: 'http://127.0.0.1:4001/graphql', typeDefs: parse(readFileSync(new URL('commerce.graphql', here), 'utf8')) },
]);

if (result.errors?.length) {
  for (const error of result.errors) console.error(`composition error: ${error.message}`);
  process.exit(1);
}
for (const hint of result.hints ?? []) console.error(`composition hint: ${hint.definition.code}: ${hint.message}`);
process.stdout.write(result.supergraphSdl);
