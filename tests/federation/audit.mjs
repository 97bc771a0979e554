// Runs the graphql-http GraphQL-over-HTTP conformance audits against a server and prints the
// results as JSON: [{id, name, status: ok|notice|warn|error, reason?}].
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
const rows = results.map(({ id, name, status, reason }) => ({ id, name, status, ...(reason ? { reason } : {}) }));
process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
