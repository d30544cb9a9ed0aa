"""What every export format shares: the options a document is made with, and how a format
describes itself to the registry. A floor below the formats, so none imports the registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from tipweek.config import DEFAULT_SUBJECT

if TYPE_CHECKING:
    import datetime as dt

    from tipweek.config import Config
    from tipweek.model import Tip

#: The subject of a digest (several tips in one message) unless `--subject` says otherwise.
DIGEST_SUBJECT = "Tips of the Week: {count} tips"
#: Where mail comes from when neither `--from` nor the config says.
DEFAULT_SENDER = "tipweek@localhost"


@dataclass(frozen=True)
class ExportOptions:
    """Everything a format may need besides the tips; the mail fields matter only to `eml`."""

    subject: str = DEFAULT_SUBJECT  # template for one tip: {title} {id} {date} {count}
    digest_subject: str = DIGEST_SUBJECT  # template for a digest
    sender: str = DEFAULT_SENDER
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    digest: bool = False  # several tips by filter: JSON gives a list even for one tip
    label: str = ""  # the heading above the tip(s), e.g. "Tip of the Day"; a default if empty
    when: dt.datetime | None = None  # the message's Date; now if None
    unsent: bool = True  # mark an .eml as a draft (X-Unsent: 1) so Outlook opens it for editing

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        subject: str | None = None,
        sender: str | None = None,
        to: Sequence[str] = (),
        cc: Sequence[str] = (),
        digest: bool = False,
        label: str = "",
        unsent: bool = True,
    ) -> ExportOptions:
        """Command-line values first, then the config's `[export]` table, then the defaults."""
        return cls(
            subject=subject if subject is not None else config.subject,
            digest_subject=subject if subject is not None else DIGEST_SUBJECT,
            sender=sender or config.sender or DEFAULT_SENDER,
            to=tuple(to) or config.to,
            cc=tuple(cc),
            digest=digest,
            label=label,
            unsent=unsent,
        )

    @property
    def heading(self) -> str:
        return self.label or ("Tips of the Week" if self.digest else "Tip of the Week")


Exporter = Callable[[Sequence["Tip"], ExportOptions], bytes | str]


class ExportFormat(NamedTuple):
    """A format as the registry sees it: `tip export --format NAME`, the file extensions that
    imply it (after the name itself), and the media type of what it makes."""

    name: str
    extensions: tuple[str, ...]
    media_type: str
    export: Exporter
