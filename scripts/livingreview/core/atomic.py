"""Files written whole or not at all: a temporary file in the same folder, then os.replace.

Readers (another build, an editor, `git diff`) see the old file or the new one,
never half of one. `write_atomic` is for project files (bib/): it raises.
`write_cache` is for .cache/: a cache that cannot be written only costs time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` (text as UTF-8 with \\n line ends), keeping its permissions."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_cache(path: Path, data: str | bytes) -> bool:
    """write_atomic for a cache file, its folder made if needed; False when it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError:
        return False
    return True
