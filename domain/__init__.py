"""The loyalty domain: members, points, tiers, wallets and the rest. No web, no GraphQL."""
