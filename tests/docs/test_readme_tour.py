"""The README's five-minute tour is run as written (bash, curl, python3) against a fresh server
process: `loyalty migrate`, `loyalty seed-demo`, then uvicorn on a free port."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOYALTY = Path(sys.executable).parent / "loyalty"

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the tour uses curl")


def tour_script() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Five-minute tour", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readme_tour_runs_against_the_demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    env.update(LOYALTY_DATABASE_URL=f"sqlite://{tmp_path / 'demo.sqlite3'}", LOYALTY_LOG_LEVEL="WARNING")
    for command in ("migrate", "seed-demo"):
        subprocess.run([str(LOYALTY), command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "server.app:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        script = tour_script().replace("API=http://127.0.0.1:8000/graphql", f"API=http://127.0.0.1:{port}/graphql")
        assert f":{port}/" in script
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    assert run.returncode == 0, run.stderr
    purchase, member, redeemed = (json.loads(line) for line in run.stdout.splitlines() if line.strip())
    assert purchase == {"data": {"recordPurchase": {"pointsEarned": 128, "balance": 128, "replayed": False,
                                                    "errors": []}}}
    assert member["data"]["member"]["points"] == 128
    assert member["data"]["member"]["pointsLedger"]["edges"][0]["node"]["kind"] == "EARN"
    redemption = redeemed["data"]["redeemMallItem"]
    assert redemption["errors"] == [] and redemption["balance"] == 28
    assert (redemption["redemption"]["state"], redemption["redemption"]["points"]) == ("PENDING", 100)
    assert redemption["redemption"]["verificationCode"]
