"""A file's identity and version, as a short string to keep and compare later.

Whatever is kept between commands (the fast route's stamp, the drawn output in `cli.drawn`)
records the signatures of the files it depended on and is used again only while they still
match. It lives alone and imports only `os` because the fast route checks it on every command.
"""

from __future__ import annotations

import os


def file_signature(path: str) -> str:
    """Inode, size and modification time, or "none" when the file is missing: an edit, a
    replacement (a new inode) or a removal all change it."""
    try:
        st = os.stat(path)
    except OSError:
        return "none"
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
