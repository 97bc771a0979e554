"""GraphiQL in development opens on a hint: the demo brand's sign-in and how to send the token."""

from __future__ import annotations

import re

from server.seed import DEMO_PASSWORD, DEMO_SLUG

DEMO_HINT = f"""# Loyalty platform: development GraphiQL
#
# Demo brand (after `make run`): slug "{DEMO_SLUG}", every staff password "{DEMO_PASSWORD}":
#   admin@demo.test (hq_admin)          operator@demo.test (hq_operator)
#   manager.sh01@demo.test (manager)    clerk.sh01@demo.test (clerk)
#
# 1. Run the login below (Ctrl-Enter) and copy its token.
# 2. Headers tab: {{"Authorization": "Bearer <token>"}}
# 3. Then try: query {{ viewer {{ kind role brand {{ name }} }} }}
# One guide per caller (HQ console, branch portal, partner app, member app): docs/ in the repository.

mutation DemoLogin {{
  login(input: {{brandSlug: "{DEMO_SLUG}", email: "admin@demo.test", password: "{DEMO_PASSWORD}"}}) {{
    token
    errors {{ code message }}
  }}
}}
"""

_EXAMPLE = re.compile(r"const EXAMPLE_QUERY = `.*?`;", re.DOTALL)


def with_demo_hint(html: str) -> str:
    """Strawberry's GraphiQL page with our hint as its default document (a JS template literal)."""
    literal = DEMO_HINT.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return _EXAMPLE.sub(lambda _: f"const EXAMPLE_QUERY = `{literal}`;", html, count=1)
