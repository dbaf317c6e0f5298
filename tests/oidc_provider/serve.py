"""Run the test identity provider: `python -m tests.oidc_provider.serve CONFIG.json`.

Binds a free port on 127.0.0.1, sets up its SQLite file (tables, the people, the client
applications), prints `READY <port>` and serves until terminated."""

import json
import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    config_path = Path(sys.argv[1])
    server = make_server(
        "127.0.0.1", 0, None, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    port = server.server_port
    os.environ["OIDC_TEST_PROVIDER_CONFIG"] = str(config_path)
    os.environ["OIDC_TEST_PROVIDER_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    config = json.loads(config_path.read_text(encoding="utf-8"))
    for username in config["people"]:
        get_user_model().objects.create_user(username, password=config["password"])
    for client in config["clients"]:
        Application.objects.create(
            name=client["name"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=False,
        )
    server.set_app(WSGIHandler())
    print(f"READY {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
