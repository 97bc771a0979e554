"""The committed supergraph is what @apollo/composition makes of our SDL and the commerce
subgraph's: composition errors and drift both fail here (`make supergraph` regenerates it)."""

from tests.federation.support import NODE_DIR, REPO, run_node


def test_committed_supergraph_is_the_composition_of_both_subgraphs(node):
    composed = run_node(node, "compose.mjs", str(REPO / "schema.graphql"))

    assert composed.returncode == 0, f"composition failed:\n{composed.stderr}"
    assert composed.stderr == "", f"composition hints:\n{composed.stderr}"
    committed = (NODE_DIR / "supergraph.graphql").read_text()
    assert composed.stdout == committed, "tests/federation/supergraph.graphql drifted: run `make supergraph`"


def test_composition_fails_when_our_subgraph_disagrees_with_the_owner_of_a_field(node, tmp_path):
    # given our SDL declaring the commerce graph's price with another type than its owner's
    sdl = (REPO / "schema.graphql").read_text()
    assert "price: Decimal! @external" in sdl
    broken = tmp_path / "schema.graphql"
    broken.write_text(sdl.replace("price: Decimal! @external", "price: Int! @external"))

    composed = run_node(node, "compose.mjs", str(broken))

    assert composed.returncode == 1
    assert "composition error" in composed.stderr and "price" in composed.stderr
