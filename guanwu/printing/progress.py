"""A progress bar for the build commands: redrawn in place on a terminal, one line per step
when the output goes to a file or a pipe (cron logs stay readable)."""

from __future__ import annotations

from typing import TextIO

from .services import Progress

WIDTH = 30


def terminal_progress(stream: TextIO) -> Progress:
    interactive = hasattr(stream, "isatty") and stream.isatty()

    def report(percent: int, message: str) -> None:
        if interactive:
            filled = WIDTH * percent // 100
            bar = "█" * filled + "·" * (WIDTH - filled)
            stream.write(f"\r[{bar}] {percent:3d}% {message}\033[K")
            if percent >= 100:
                stream.write("\n")
        else:
            stream.write(f"{percent:3d}% {message}\n")
        stream.flush()

    return report
