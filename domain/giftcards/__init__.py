"""Gift cards: HQ's templates, batches of cards with codes kept only as keyed hashes, claims,
gifts, payments and pickups at usable stores, each card with its own append-only ledger."""
