"""Send one hostile input to the webhook (Flask's test client, a signed request)
and print what came back as JSON: ``python -m tests.hostile.http_probe RECIPE
INPUT``. Run in its own process by the tests, so that a time bound holds."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.hostile.recipes import load
from tests.webhook.helpers import NOW, SECRET, sign_bytes
from webhook import create_app


def main() -> None:
    recipe = load(Path(sys.argv[1]))
    content = Path(sys.argv[2]).read_bytes()
    body = recipe.request_body(content)
    log: list[str] = []
    app = create_app(
        {"CONFIRMCHECK_SECRET": SECRET, "NOW": lambda: float(NOW), "LOG": log.append}
    )
    path = "/v1/attach" if recipe.kind == "mail" else "/v1/check"
    response = app.test_client().post(path, data=body, headers=sign_bytes(body))
    print(
        json.dumps(
            {
                "status": response.status_code,
                "content_type": response.content_type,
                "body": response.get_data(as_text=True),
                "log": log,
            }
        )
    )


if __name__ == "__main__":
    main()
