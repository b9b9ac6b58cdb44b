"""The `cpps` command line: Django's management commands, with cpps's own on top.

`cpps import dansmarue FILE` and `cpps territory load DIR` are management commands with
sub-commands; anything else (`cpps migrate`, `cpps runserver`, `cpps shell`) passes through.
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "cpps"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
