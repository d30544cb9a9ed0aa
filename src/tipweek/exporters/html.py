"""An HTML email: one centred 600px table column, every style inline, nothing fetched.

Mail clients drop <style> blocks, block scripts and images, and some repaint colours in
dark mode, so everything here is inline `style` attributes with explicit foreground and
background colours. Tip text is data: titles and fields are escaped, and the Markdown body
is rendered with raw HTML off, so markup in a tip is shown, never run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tipweek.exporters._shared import is_web_link, meta
from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip
from tipweek.text import clean, one_line

if TYPE_CHECKING:
    from tipweek.exporters.base import ExportOptions

FONT = "font-family:Arial,Helvetica,sans-serif;"
MONO = "font-family:Consolas,Menlo,Courier,monospace;"
INK = "#1f2933"  # body text on white: contrast about 15:1
MUTED = "#52606d"  # dates and tags on white: about 6.5:1
LINK = "#0b57d0"  # links on white: about 6.6:1
ACCENT = "#0b4f6c"  # header band (white text on it: about 9:1)
PAPER = "#ffffff"
PAGE = "#eef1f4"
TINT = "#e6f2f7"  # takeaway box

_TEXT = f"{FONT}color:{INK};font-size:16px;line-height:24px;"
#: Inline styles for the tags the Markdown renderer produces.
STYLES: dict[str, str] = {
    "p": f"margin:0 0 16px 0;{_TEXT}",
    "h2": f"margin:24px 0 12px 0;{FONT}color:{INK};font-size:20px;line-height:28px;font-weight:bold;",
    "h3": f"margin:20px 0 10px 0;{FONT}color:{INK};font-size:18px;line-height:26px;font-weight:bold;",
    "h4": f"margin:16px 0 8px 0;{FONT}color:{INK};font-size:16px;line-height:24px;font-weight:bold;",
    "h5": f"margin:16px 0 8px 0;{FONT}color:{INK};font-size:16px;line-height:24px;font-weight:bold;",
    "h6": f"margin:16px 0 8px 0;{FONT}color:{INK};font-size:16px;line-height:24px;font-style:italic;",
    "ul": f"margin:0 0 16px 0;padding:0 0 0 24px;{_TEXT}",
    "ol": f"margin:0 0 16px 0;padding:0 0 0 24px;{_TEXT}",
    "li": f"margin:0 0 6px 0;{_TEXT}",
    "blockquote": f"margin:0 0 16px 0;padding:4px 0 4px 16px;border-left:4px solid {MUTED};"
    f"color:{INK};font-style:italic;",
    "a": f"color:{LINK};text-decoration:underline;",
    "code": f"{MONO}font-size:14px;color:{INK};background-color:#f1f3f5;padding:1px 4px;",
    "pre": f"margin:0 0 16px 0;padding:12px;{MONO}font-size:14px;line-height:20px;color:{INK};"
    "background-color:#f1f3f5;white-space:pre-wrap;word-wrap:break-word;",
    "hr": f"border:0;border-top:1px solid {MUTED};height:0;margin:24px 0;",
    "strong": "font-weight:bold;",
    "em": "font-style:italic;",
}
#: Link targets a mail reader may follow; markdown-it already refuses javascript: and friends.
SAFE_SCHEMES = ("http:", "https:", "mailto:")


def esc(value: str) -> str:
    """Text for an element or a quoted attribute: control characters removed, markup escaped."""
    import html

    return html.escape(clean(value), quote=True)


def markdown_html(markdown: str, styles: Mapping[str, str] | None = STYLES) -> str:
    """The body as HTML, with inline `styles` (mail) or none (the site styles by tag); raw HTML
    is escaped, unsafe links become text, images become their alt text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.add_render_rule("fence", _code_block)
    md.add_render_rule("code_block", _code_block)
    md.add_render_rule("image", _image)
    tokens = md.parse(clean(markdown))
    _restyle(tokens, styles or {})
    return str(md.renderer.render(tokens, md.options, {"styles": styles or {}}))


def _restyle(tokens: list[Any], styles: Mapping[str, str]) -> None:
    """Demote headings below the tip title, add inline styles, and unlink unsafe targets."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1:]) + 1, 6)}"
        if token.nesting >= 0 and token.tag in styles:
            token.attrSet("style", styles[token.tag])
        if token.children:
            token.children = _safe_links(token.children)
            _restyle(token.children, styles)


def _safe_links(children: list[Any]) -> list[Any]:
    """Drop the link tags (keeping their text) around any target that is not http(s) or mailto."""
    out: list[Any] = []
    dropping = False
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "").strip().lower()
            dropping = not href.startswith(SAFE_SCHEMES)
            if dropping:
                continue
        elif token.type == "link_close" and dropping:
            dropping = False
            continue
        out.append(token)
    return out


def _code_block(renderer: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    import html

    styles = env.get("styles", STYLES)
    style = f' style="{styles["pre"]}"' if "pre" in styles else ""
    return f"<pre{style}>{html.escape(tokens[idx].content)}</pre>\n"


def _image(renderer: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    """Images would be fetched from elsewhere (a tracking risk and blocked anyway): show the alt text."""
    import html

    alt = tokens[idx].content or "image"
    look = f'style="color:{MUTED};"' if env.get("styles", STYLES) else 'class="image-alt"'
    return f"<span {look}>[{html.escape(alt)}]</span>"


def _tip_rows(tip: Tip) -> str:
    rows = [
        f'<tr><td style="padding:28px 32px 4px 32px;background-color:{PAPER};">'
        f'<h1 style="margin:0 0 8px 0;{FONT}color:{INK};font-size:26px;line-height:32px;font-weight:bold;">'
        f"{esc(one_line(tip.title))}</h1>"
        f'<p style="margin:0 0 8px 0;{FONT}color:{MUTED};font-size:14px;line-height:20px;">'
        f"{esc(meta(tip))}</p></td></tr>",
    ]
    if tip.excerpt or not tip.body.strip():
        body = f'<p style="{STYLES["p"]}">{esc(tip.excerpt_text if tip.excerpt else tip.blurb)}</p>'
        if tip.excerpt:
            body += (
                f'<p style="margin:0 0 16px 0;{FONT}color:{MUTED};font-size:14px;line-height:20px;">'
                "Excerpt: only the start of this tip is known.</p>"
            )
    else:
        body = markdown_html(tip.body)
    rows.append(f'<tr><td style="padding:12px 32px 0 32px;background-color:{PAPER};">{body}</td></tr>')
    if tip.takeaway:
        rows.append(
            f'<tr><td style="padding:8px 32px 16px 32px;background-color:{PAPER};">'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
            'style="width:100%;border-collapse:collapse;">'
            f'<tr><td style="padding:14px 18px;background-color:{TINT};border-left:4px solid {ACCENT};'
            f'{FONT}color:{INK};">'
            f'<p style="margin:0 0 4px 0;{FONT}color:{ACCENT};font-size:12px;line-height:16px;'
            'font-weight:bold;letter-spacing:1px;text-transform:uppercase;">Takeaway</p>'
            f'<p style="margin:0;{FONT}color:{INK};font-size:17px;line-height:25px;font-weight:bold;">'
            f"{esc(one_line(tip.takeaway))}</p></td></tr></table></td></tr>"
        )
    foot = []
    if tip.tags:
        foot.append(esc(" ".join(f"#{one_line(t)}" for t in tip.tags)))
    if tip.source:
        source = one_line(tip.source)
        foot.append(
            f'<a href="{esc(source)}" style="{STYLES["a"]}">{esc(source)}</a>'
            if is_web_link(source)
            else esc(source)
        )
    if tip.publisher:
        foot.append(esc(f"from {one_line(tip.publisher)}"))
    if tip.author:
        foot.append(esc(f"by {one_line(tip.author)}"))
    if foot:
        rows.append(
            f'<tr><td style="padding:0 32px 20px 32px;background-color:{PAPER};{FONT}'
            f'color:{MUTED};font-size:13px;line-height:18px;">{" · ".join(foot)}</td></tr>'
        )
    return "\n".join(rows)


def render(tips: Sequence[Tip], options: ExportOptions) -> str:
    """The whole HTML document."""
    heading = esc(one_line(options.heading))
    title = esc(one_line(tips[0].title)) if len(tips) == 1 else heading
    divider = (
        f'<tr><td style="padding:0 32px;background-color:{PAPER};"><hr style="{STYLES["hr"]}"></td></tr>'
    )
    tips_html = f"\n{divider}\n".join(_tip_rows(t) for t in tips)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light only">
<meta name="supported-color-schemes" content="light">
<title>{title}</title>
</head>
<body style="margin:0;padding:0;background-color:{PAGE};color:{INK};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" \
style="width:100%;background-color:{PAGE};">
<tr><td align="center" style="padding:24px 12px;background-color:{PAGE};">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" \
style="width:100%;max-width:600px;border-collapse:collapse;background-color:{PAPER};\
border:1px solid #d3d9df;">
<tr><td style="padding:14px 32px;background-color:{ACCENT};{FONT}color:#ffffff;font-size:13px;\
line-height:18px;font-weight:bold;letter-spacing:1px;text-transform:uppercase;">{heading}</td></tr>
{tips_html}
<tr><td style="padding:16px 32px;background-color:{PAGE};{FONT}color:{MUTED};font-size:12px;\
line-height:16px;">Sent with tipweek.</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""


def export(tips: Sequence[Tip], options: ExportOptions) -> str:
    return render(tips, options)


FORMAT = ExportFormat("html", ("htm",), "text/html", export)
