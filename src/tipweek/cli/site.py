"""Commands: site build (a static site of the library, with feeds and search)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tipweek.cli.app import DateOpt, app, help_text, state

site_app = typer.Typer(
    name="site",
    help=help_text(
        """Publish the library as a static site with Atom feeds and search.

        The site is plain files: copy the folder to any web server, or open it from disk.

        **Examples**

            tip site build public/
            tip site build public/ --base-url https://tips.example.org/team/
        """
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@site_app.command("build")
def build(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(metavar="OUT", help="The folder to write the site into.")],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Where the site will be published, for feeds and links in chat posts; "
            "default: [site] base_url in the config, else links stay relative.",
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="The site's name; default: [site] title in the config.")
    ] = None,
    date: DateOpt = None,
    feed_entries: Annotated[
        int, typer.Option("--feed-entries", min=1, help="Tips in each Atom feed, newest first.")
    ] = 50,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Render every page again, not only the changed ones.")
    ] = False,
) -> None:
    """Build a static site: this week's tip, a page per tip, archives, feeds and search.

    Only tips published by the build's day are on it: undated ones and those dated up to
    the end of its week. Category and yearly archives are paginated teasers with "Read
    more"; `feed.xml` and `categories/NAME/feed.xml` are Atom feeds; tips.json holds every
    tip (`tip import` reads it back). Links are relative, so the folder works opened from
    disk or behind any address. A second build renders only what changed and deletes
    pages that are gone; files it did not write are left alone.

    **Examples**

        tip site build public/
        tip site build public/ --base-url https://tips.example.org/team/
        tip site build public/ --date 2027-01-04 --title 'Front Desk Tips'
    """
    from tipweek.select import tip_for_week
    from tipweek.site import SiteOptions, build_site
    from tipweek.site import base_url as check_url
    from tipweek.text import one_line

    st = state(ctx)
    settings = st.config.site
    as_of = st.date(date)
    options = SiteOptions(
        title=title if title is not None else settings.title,
        description=settings.description,
        base_url=check_url(base_url if base_url is not None else settings.base_url),
        feed_entries=feed_entries,
    )
    week = tip_for_week(st.store, as_of).tip
    report = build_site(st.store.tips(), out, week=week, as_of=as_of, options=options, rebuild=rebuild)
    where = one_line(str(report.out))
    counts = f"{len(report.written)} written, {report.unchanged} unchanged, {len(report.removed)} removed"
    typer.echo(f"built {where}: {report.tips} tips in {report.pages} files ({counts})")
    typer.echo(f"open {where}/index.html", err=True)


if not any(info.name == "site" for info in app.registered_groups):
    app.add_typer(site_app, name="site")
