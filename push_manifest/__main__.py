"""``python -m push_manifest``: the same as the ``http2-push-manifest`` command."""

from push_manifest.cli import main

if __name__ == "__main__":
    main()
