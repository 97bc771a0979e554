"""Thin adapters: GraphQL arguments in, one service call, service results out."""
