"""The `course` command: one module per subcommand, plus shared modules
(chapters, metadata, output, build, progress, book). ./course help says what
each command does; cli.py reads the command line."""

from .cli import main  # noqa: F401
