"""The graphql-http audit (the GraphQL-over-HTTP spec's reference conformance suite, pinned in
tests/federation/package.json) against our server on a real port: no MUST fails, and no SHOULD
is only a warning (README, "GraphQL over HTTP", states the counts)."""

import json
from collections import Counter

from tests.federation.support import run_node_async


async def test_server_passes_every_graphql_over_http_audit(node, live_url):
    code, stdout, stderr = await run_node_async(node, "audit.mjs", live_url)

    assert code == 0, stderr
    results = json.loads(stdout)
    counts = Counter((r["name"].split()[0], r["status"]) for r in results)
    print("graphql-http audit:", dict(sorted(counts.items())))
    failed = [f"{r['status']} {r['id']} {r['name']}: {r.get('reason')}" for r in results if r["status"] != "ok"]
    assert not [f for f in failed if " MUST " in f], failed
    assert failed == []
    assert counts[("MUST", "ok")] >= 13 and len(results) >= 61
