"""`python -m tests.crash.act MODULE:FUNCTION ARGS...`: set Django up and call FUNCTION(*ARGS)."""

from __future__ import annotations

import importlib
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.crash.settings")
    import django

    django.setup()
    module_name, _, function_name = argv[0].partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(*argv[1:])
    if result is not None:
        print(result)


if __name__ == "__main__":
    main(sys.argv[1:])
