"""Small text helpers shared by the model, the index, the renderers and the importers.

`clean` and `one_line` are on the fast route (`tipweek.cli.fast`): this module imports `re`
and `unicodedata` only inside the functions that need them.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

# C0/C1 controls (keeping tab and newline), bidi overrides/isolates, zero-width characters
# and the private use area (the index's snippet markers): first and last of each range.
UNSAFE_RANGES = (
    (0x00, 0x08),
    (0x0B, 0x1F),
    (0x7F, 0x9F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2069),
    (0xFEFF, 0xFEFF),
    (0xE000, 0xF8FF),
)
_UNSAFE: dict[int, None] = {}  # for str.translate, filled on first use
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
    }
)
MAX_SLUG = 80


def clean(text: str) -> str:
    """Drop characters that could move the cursor, recolour or reorder a terminal line.

    Carriage returns become newlines so that a CRLF file still reads as lines.
    """
    if not _UNSAFE:
        _UNSAFE.update((c, None) for first, last in UNSAFE_RANGES for c in range(first, last + 1))
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_UNSAFE)


def terminal_bytes(data: bytes) -> bytes:
    """A document on its way to stdout (a terminal, or a pipe into one): `clean`, the one
    sanitiser every view uses, applied to the whole output. CRLF line ends stay as they are
    (iCalendar and mail need them); a lone CR becomes a newline, as `clean` makes it."""
    text = data.decode("utf-8", errors="replace")
    return "\r\n".join(clean(part) for part in text.split("\r\n")).encode("utf-8")


def unix_lines(text: str) -> str:
    """CRLF and CR line ends as LF, and no byte-order mark: the text is otherwise kept as data."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def one_line(text: str) -> str:
    """`clean`, with every run of white space (newlines included) folded to one space."""
    return " ".join(clean(text).split())


def fold(text: str) -> str:
    """Lower-case, accent-free, straight-quoted form used to compare titles and words."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.translate(QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str, *, fallback: str = "tip") -> str:
    """A file-name-safe slug: ASCII letters, digits and hyphens, never reserved or hidden."""
    folded = fold(text).replace("'", "").replace("&", " and ")
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:MAX_SLUG].strip("-")
    if not slug:
        return fallback
    if slug in _RESERVED:
        slug = f"{slug}-{fallback}"
    return slug


def category_key(name: str) -> str:
    """How categories are compared: `Phone & Email` = `phone-and-email` = `phone email`."""
    words = [w for w in slugify(name, fallback="").split("-") if w and w != "and"]
    return "-".join(words)


def unite_categories(*groups: Iterable[str]) -> tuple[str, ...]:
    """Categories from several places, each once, first spelling kept. Names are compared by
    `category_key`; blank names are dropped, and a name with no letters or digits is kept,
    compared by its own text (nothing a person wrote is lost)."""
    seen: dict[str, str] = {}
    for group in groups:
        for raw in group:
            name = raw.strip()
            if name:
                seen.setdefault(category_key(name) or name, name)
    return tuple(seen.values())


def title_key(title: str) -> str:
    """How titles are compared across sources: ignoring case, punctuation and quote style."""
    import re

    return " ".join(re.findall(r"\w+", fold(title).replace("'", "")))


def derive_summary(body: str, limit: int = 200) -> str:
    """A summary for tips that have none: the body's first sentences, Markdown stripped."""
    import re

    plain = re.sub(r"[*_`#>\[\]]", "", body)
    plain = re.sub(r"^\s*(?:[-+•]|\d+[.)])\s+", "", plain, flags=re.M)
    plain = " ".join(one_line(plain).split())
    if len(plain) <= limit:
        return plain
    sentences = re.split(r"(?<=[.!?])\s+", plain)
    out = ""
    for sentence in sentences:
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


def shown(value: str, limit: int = 60) -> str:
    """A user-supplied value made safe and short enough to quote in a one-line message."""
    value = one_line(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


class NotText(ValueError):
    """Bytes that are not UTF-8 text. `line` is where decoding failed; None for binary data."""

    def __init__(self, message: str, line: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


def decode_text(data: bytes) -> str:
    """UTF-8 text, without a byte-order mark; raises `NotText` for another encoding (with the
    line) and for binary data (NUL bytes), which no text format holds."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NotText("not UTF-8 text", line, hint="save the file as UTF-8") from None
    if "\x00" in text:
        raise NotText("not a text file (it contains NUL bytes)")
    return text
