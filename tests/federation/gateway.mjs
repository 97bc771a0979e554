// Serves the committed supergraph with @apollo/gateway + @apollo/server: a static supergraph
// (no managed federation, no network), forwarding the caller's Authorization header to the
// loyalty subgraph.
// Env: PORT (default 4000), SUPERGRAPH (default supergraph.graphql next to this file),
// LOYALTY_URL / COMMERCE_URL (override the subgraph URLs composed into the supergraph).
import { readFileSync } from 'node:fs';

// Before @apollo/gateway is imported: otherwise it sets up a usage-metrics exporter and cloud
// metadata detectors that reach for the network.
process.env.APOLLO_TELEMETRY_DISABLED = '1';
process.env.NO_PROXY = process.env.no_proxy = ['127.0.0.1', 'localhost', process.env.no_proxy].filter(Boolean).join(',');

const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
const { ApolloServer } = await import('@apollo/server');
const { startStandaloneServer } = await import('@apollo/server/standalone');

const here = new URL('.', import.meta.url);
const supergraphSdl = readFileSync(process.env.SUPERGRAPH || new URL('supergraph.graphql', here).pathname, 'utf8');
const overrides = { loyalty: process.env.LOYALTY_URL, commerce: process.env.COMMERCE_URL };
const port = Number(process.env.PORT || 4000);

class ForwardingDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.authorization) request.http.headers.set('authorization', context.authorization);
  }
}

// Our credential goes to our subgraph only; the commerce graph has no use for it.
const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ name, url }) => {
    const DataSource = name === 'loyalty' ? ForwardingDataSource : RemoteGraphQLDataSource;
    return new DataSource({ url: overrides[name] || url });
  },
});
// Subgraph errors pass through with their extensions.code; no Node stack traces are added.
const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`gateway ready at ${url}`);
