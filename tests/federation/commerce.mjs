// A small commerce subgraph (Apollo's own libraries) for the federation tests and local demos.
// Its data is a JSON file ({"products": [{sku, name, price}], "orders": [{id, memberId, amount}]})
// named by COMMERCE_DATA and read on every request, so a test can write the orders it needs.
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLScalarType, parse } from 'graphql';

const here = new URL('.', import.meta.url);
const typeDefs = parse(readFileSync(new URL('commerce.graphql', here), 'utf8'));
const dataFile = process.env.COMMERCE_DATA || new URL('demo-data.json', here).pathname;
const port = Number(process.env.PORT || 4001);

function data() {
  return JSON.parse(readFileSync(dataFile, 'utf8'));
}

const Decimal = new GraphQLScalarType({
  name: 'Decimal',
  serialize: (value) => String(value),
  parseValue: (value) => String(value),
});

const resolvers = {
  Decimal,
  Query: {
    product: (_, { sku }) => data().products.find((p) => p.sku === sku) ?? null,
    products: () => data().products,
    order: (_, { id }) => data().orders.find((o) => o.id === id) ?? null,
  },
  Product: {
    __resolveReference: ({ sku }) => data().products.find((p) => p.sku === sku) ?? null,
  },
  Order: {
    __resolveReference: ({ id }) => data().orders.find((o) => o.id === id) ?? null,
    buyer: (order) => ({ __typename: 'Member', id: order.memberId }),
  },
};

// No usage reporting here: traces are not asked for by a gateway with telemetry off.
const server = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs, resolvers }),
  plugins: [ApolloServerPluginInlineTraceDisabled()],
});
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port } });
console.log(`commerce subgraph ready at ${url}`);
