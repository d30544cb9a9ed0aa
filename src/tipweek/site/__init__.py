"""A static site of the library: home, tip pages, paginated archives, Atom feeds, JSON, search.

`build_site` plans every file of the site as a `writer.Page` (a path, a key made from the data
the page shows, and a function that renders it) and hands them to `writer.write_pages`, which
renders only the pages whose key changed. Only tips that are published by the build's date are
on the site: undated ones and those dated up to the end of that week (`tip week` shows a tip
from the Monday of its week, so the site does too).

Layout (every link relative, so the folder works from the file system and under any path):

    index.html                      this week's tip and the recent ones
    tips/<id>.html                  one page per tip
    categories/index.html           every category, with counts
    categories/<key>/index.html     a category's teasers, newest first (page-2.html, …)
    categories/<key>/feed.xml       the category's Atom feed
    archive/index.html              the years
    archive/<year>/index.html       a year's teasers (page-2.html, …); archive/undated/ too
    feed.xml                        the site's Atom feed
    tips.json                       every tip on the site, as `tip export --format json` writes it
    search.html, search-index.js    client-side search (assets/search.js), no server needed
    assets/style.css
"""

from __future__ import annotations

from tipweek.site.build import SiteReport, base_url, build_site, published
from tipweek.site.pages import SiteOptions

__all__ = ["SiteOptions", "SiteReport", "base_url", "build_site", "published"]
