"""The archive page importer: every shape the archive format note describes, on invented pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipweek.importers import archive, detect
from tipweek.importing import combine, read_inputs
from tipweek.model import Tip

FIXTURES = Path(__file__).parent / "fixtures" / "archive"
PAGE_3 = FIXTURES / "front-desk-page-3.txt"
PAGE_1 = FIXTURES / "retail-page-1.txt"
SAMPLES = Path("/work/shared/archive-samples")
NB = "\u00a0"


def parse(path: Path) -> dict[str, Tip]:
    result = archive.parse(path.read_text(encoding="utf-8"), str(path))
    assert result.problems == []
    return {t.id: t for t in result.tips}


@pytest.fixture(scope="module")
def page3() -> dict[str, Tip]:
    return parse(PAGE_3)


@pytest.fixture(scope="module")
def both() -> dict[str, Tip]:
    inputs = read_inputs([FIXTURES])
    assert inputs.problems == []
    return {t.id: t for t in combine(inputs.tips)}


def page(*blocks: str, header: str = "Retail | Shop Floor Notes - Page 2") -> str:
    return "\n\n".join([header, *blocks]) + "\n"


# --- one page ---------------------------------------------------------------------------------


def test_detects_archive_pages_by_their_header() -> None:
    assert archive.sniff(PAGE_3.read_text(encoding="utf-8"))
    assert detect("customer care | Some Site, Inc. - Page 12\n\nx", "page.txt") == "archive"
    assert not archive.sniff("Just a note | about something\n")
    assert not archive.sniff("+++\ntitle = 'x'\n+++\n")


def test_page_gives_teasers_then_full_posts(page3: dict[str, Tip]) -> None:
    assert len(page3) == 8
    assert sum(t.excerpt for t in page3.values()) == 5


def test_lowercase_header_category_is_title_cased_and_on_every_tip(page3: dict[str, Tip]) -> None:
    assert all("Hospitality" in t.categories for t in page3.values())
    assert all("hospitality" not in t.categories for t in page3.values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("customer service", "Customer Service"),
        ("service  recovery", "Service Recovery"),
        ("phone and email", "Phone and Email"),
        ("Business Advice", "Business Advice"),
        ("HR", "HR"),
    ],
)
def test_canonical_category(name: str, expected: str) -> None:
    assert archive.canonical_category(name) == expected


def test_teaser_is_a_dated_excerpt_without_read_more(page3: dict[str, Tip]) -> None:
    tip = page3["greet-the-second-guest-in-line"]
    assert tip.title == "Greet the Second Guest in Line"
    assert tip.date == dt.date(2025, 3, 4)
    assert tip.excerpt is True
    assert tip.body == ""
    # The teaser up to its last whole sentence, then "…": never a sentence cut short.
    assert (
        tip.summary
        == "Marisol was halfway through a key card reissue when the revolving door turned again. …"
    )
    assert tip.categories == ("Hospitality",)
    assert (tip.source, tip.publisher) == ("", "Front Desk Academy")  # a site's name is no link


@pytest.mark.parametrize(
    ("slug", "title", "date"),
    [
        ("rooms-and-rates-3-questions-to-ask-first", "Rooms & Rates: 3 Questions to Ask First", "2025-02-18"),
        ("youre-next-calling-the-queue-kindly", "“You’re Next” – Calling the Queue Kindly", "2025-02-11"),
        ("late-checkout-say-yes-sometimes", "Late Checkout? Say Yes… Sometimes", "2025-02-04"),
        ("the-lobby-at-6-a-m", "The Lobby at 6 A.M.", "1999-01-05"),
    ],
)
def test_teaser_titles_keep_their_punctuation(
    page3: dict[str, Tip], slug: str, title: str, date: str
) -> None:
    tip = page3[slug]
    assert tip.title == title
    assert tip.date == dt.date.fromisoformat(date)


def test_no_break_spaces_become_spaces_and_curly_quotes_are_kept(page3: dict[str, Tip]) -> None:
    rooms = page3["rooms-and-rates-3-questions-to-ask-first"]
    assert rooms.summary.startswith("Before quoting a number, Theo asks three things:")
    assert rooms.summary.endswith("what brought them to town. …")
    smile = page3["smile-before-you-pick-up"]
    assert smile.takeaway == "Before a call, pause and smile."
    assert "the guest’s name, not the hotel’s" in smile.body
    for tip in page3.values():
        for text in (tip.title, tip.summary, tip.body, tip.takeaway):
            assert NB not in text and "  " not in text


def test_full_post_categories_from_posted_on_line_with_no_break_space(page3: dict[str, Tip]) -> None:
    smile = page3["smile-before-you-pick-up"]
    assert smile.categories == ("Phone Skills", "Hospitality")  # listed, then the page's, once
    assert smile.excerpt is False
    assert page3["fold-the-towels-then-the-complaint"].categories == ("Housekeeping", "Hospitality")


def test_tow_title_dates_with_en_dash_and_hyphen(page3: dict[str, Tip]) -> None:
    smile = page3["smile-before-you-pick-up"]
    assert (smile.title, smile.date) == ("Smile Before You Pick Up", dt.date(2014, 9, 2))
    towels = page3["fold-the-towels-then-the-complaint"]
    assert (towels.title, towels.date) == ("Fold the Towels, Then the Complaint", dt.date(2015, 3, 3))


def test_post_without_a_date_is_undated(page3: dict[str, Tip]) -> None:
    assert page3["know-the-names-of-the-night-staff"].date is None


def test_blog_date_glued_to_the_first_word() -> None:
    tips = parse(PAGE_1)
    lobby = tips["keep-the-lobby-calm"]
    assert lobby.date == dt.date(2019, 5, 6)
    assert lobby.body.startswith("When the lobby fills up")
    assert "Blog" not in lobby.body


def test_bullets_become_markdown_list_items(page3: dict[str, Tip]) -> None:
    smile = page3["smile-before-you-pick-up"].body
    assert "\n\n- Put the phone down for a breath before answering.\n- Say your name" in smile
    assert "•" not in smile
    towels = page3["fold-the-towels-then-the-complaint"].body
    assert "two questions:\n\n1. What would make the rest of your stay easy?\n2. When may I" in towels


def test_paragraphs_are_markdown_paragraphs(page3: dict[str, Tip]) -> None:
    body = page3["know-the-names-of-the-night-staff"].body
    assert body.split("\n\n") == [
        body.split("\n\n")[0],
        "The notes in the log got longer and kinder after that.",
    ]


def test_trailing_boilerplate_is_stripped(page3: dict[str, Tip]) -> None:
    for tip in page3.values():
        for text in (tip.body, tip.summary):
            assert "http" not in text
            assert "Interested in" not in text
            assert "Did you" not in text
            assert "Read our" not in text
            assert "Shift Handover" not in text
    towels = page3["fold-the-towels-then-the-complaint"]
    assert towels.body.endswith("specific and easy to fix.")
    assert towels.takeaway == "Listen past the first complaint to the real one."


def test_takeaway_is_the_closing_line_and_leaves_the_body(page3: dict[str, Tip]) -> None:
    assert page3["smile-before-you-pick-up"].takeaway == "Before a call, pause and smile."
    staff = page3["know-the-names-of-the-night-staff"]
    assert staff.takeaway == "Learn one new name on every shift."
    for tip in page3.values():
        if tip.takeaway:
            assert tip.takeaway not in tip.body
    assert all(t.takeaway == "" for t in page3.values() if t.excerpt)


def test_pagination_footer_is_not_a_tip(page3: dict[str, Tip]) -> None:
    assert not any("Previous" in t.title or "Previous" in t.body for t in page3.values())
    assert archive.is_pagination("« Previous   1 2 ... 6 7 8 ...   Next »")
    assert archive.is_pagination("1 2 3 … 9 Next »")
    assert not archive.is_pagination("Next, ask the guest what they need.")


# --- across pages -----------------------------------------------------------------------------


def test_the_same_post_on_two_pages_is_merged(both: dict[str, Tip]) -> None:
    assert len(both) == 16
    greet = both["greet-the-second-guest-in-line"]
    assert greet.excerpt is False  # the full post wins over the teaser
    assert greet.body.startswith("Marisol was halfway") and "I see you." in greet.body
    # The full post's opening, not the teaser (which was only the start of the body).
    assert greet.summary == (
        "Marisol was halfway through a key card reissue when the revolving door turned again."
    )
    assert greet.date == dt.date(2025, 3, 4)  # from the teaser; the full post had none
    assert greet.categories == ("Hospitality", "Retail")
    assert greet.takeaway == "A nod costs nothing and buys a lot of patience."
    assert "A nod costs nothing" not in greet.body


def test_titles_match_ignoring_quote_style_and_dashes(both: dict[str, Tip]) -> None:
    queue = both["youre-next-calling-the-queue-kindly"]
    assert queue.categories == ("Hospitality", "Retail")
    assert queue.excerpt is True
    assert queue.title == "“You’re Next” – Calling the Queue Kindly"


# --- small rules --------------------------------------------------------------------------


@pytest.mark.parametrize(("yy", "year"), [(0, 2000), (25, 2025), (69, 2069), (70, 1970), (99, 1999)])
def test_two_digit_years(yy: int, year: int) -> None:
    assert archive.two_digit_year(yy) == year


def test_split_title() -> None:
    assert archive.split_title("Open Late – 24/7? - 6/30/25") == (
        "Open Late – 24/7?",
        dt.date(2025, 6, 30),
        "",
    )
    assert archive.split_title("Wait – 9/2/14 TOW") == ("Wait", dt.date(2014, 9, 2), "")
    assert archive.split_title("Wait - 9/2/14 TOW")[1] == dt.date(2014, 9, 2)
    title, date, problem = archive.split_title("Bad Day - 13/45/20")
    assert (title, date) == ("Bad Day", None)
    assert "not a real date" in problem


def test_blog_date_in_its_own_paragraph_and_digits_glued() -> None:
    text = page(
        "Say It Twice",
        "Posted on in Retail Please leave a comment",
        "Blog 12-1-20",
        "Repeat the order back before you ring it up.",
    )
    tip = archive.parse(text, "p").tips[0]
    assert tip.date == dt.date(2020, 12, 1)
    assert tip.body == "Repeat the order back before you ring it up."
    glued = archive.parse(text.replace("Blog 12-1-20\n\nRepeat", "Blog 12-1-203 steps: repeat"), "p")
    assert glued.tips[0].body.startswith("3 steps: repeat")


def test_takeaway_only_for_a_short_closing_of_one_or_two_sentences() -> None:
    def closing(last: str) -> str:
        text = page(
            "Count the Change Aloud",
            "Posted on in Retail 3 Comments",
            "Counting aloud prevents most arguments at the till.",
            last,
        )
        return archive.parse(text, "p").tips[0].takeaway

    assert closing("Say the amount. Then hand it over.") == "Say the amount. Then hand it over."
    assert closing("Say the amount. Count the notes. Then hand it over.") == ""
    assert closing("Say the amount, then hand it over, every single time, " * 5 + "always.") == ""


def test_stray_text_and_bad_dates_are_problems_not_errors() -> None:
    text = page(
        "Some words about this archive that belong to no tip.",
        "Mind the Gap - 2/30/25",
        "A teaser about gaps  Read more",
    )
    result = archive.parse(text, "p")
    assert [t.title for t in result.tips] == ["Mind the Gap"]
    assert result.tips[0].date is None
    lines = [line for line, _ in result.problems]
    assert lines == [3, 5]


def test_not_an_archive_page() -> None:
    result = archive.parse("hello\nworld\n", "p")
    assert result.tips == []
    assert result.problems[0][0] == 1


def test_a_teaser_without_read_more_before_the_next_entry() -> None:
    text = page(
        "First Things First - 4/1/25",
        "A teaser that lost its link",
        "Second Things Second - 3/25/25",
        "Another one  Read more",
    )
    result = archive.parse(text, "p")
    # With no whole sentence, the last word (which may be cut off) is left out.
    assert [t.summary for t in result.tips] == ["A teaser that lost its…", "Another…"]
    assert result.problems == []


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared sample pages are not here")
def test_shared_sample_pages() -> None:
    inputs = read_inputs([SAMPLES])
    assert inputs.problems == []
    tips = combine(inputs.tips)
    assert len(tips) == 26
    assert sum(t.excerpt for t in tips) == 20
    assert all(t.date for t in tips if t.excerpt)
    assert not any(t.date for t in tips if not t.excerpt)
    assert all(len(t.categories) >= 1 for t in tips)
    assert not any("http" in t.body for t in tips)
    for tip in tips:  # clean text: properties only, none of the pages' words
        assert "\u00a0" not in tip.summary + tip.body + tip.takeaway
        assert tip.summary.endswith(("…", ".", "!", "?", "”")), tip.id
        assert not tip.takeaway or tip.takeaway not in tip.body.split("\n\n")
        assert tip.source == "" and tip.publisher


# --- never raises -------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "customer service | Site - Page 3",
        "Title - 1/2/25",
        "Title – 9/2/14 TOW",
        "Posted on in\u00a0 A, b Please leave a comment",
        "Posted on  by in 3 Comments",
        "Blog 5-6-19When",
        "Blog 99-99-99",
        "text  Read more",
        "• item",
        "  1. item",
        "« Previous 1 2 Next »",
        "http://example.com/",
        "Did you like this post?",
        "",
        "\u00a0",
        "13/45/99",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = archive.parse(text, "x")
    assert isinstance(result.problems, list)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=30))
def test_never_raises_on_archive_like_text(parts: list[str]) -> None:
    result = archive.parse("customer service | Site - Page 1\n" + "\n".join(parts), "x")
    for tip in result.tips:
        assert tip.title.strip() and tip.categories


# --- a tag archive page, and clean text on every page -------------------------------------

TAG_PAGE = FIXTURES / "phone-manner-tag-page-2.txt"


@pytest.fixture(scope="module")
def tag_page() -> dict[str, Tip]:
    return parse(TAG_PAGE)


def test_a_lower_case_header_whose_posts_list_other_categories_is_a_tag(tag_page: dict[str, Tip]) -> None:
    assert all(t.tags == ("phone manner",) for t in tag_page.values())
    assert not any("Phone Manner" in t.categories for t in tag_page.values())
    assert tag_page["transfer-the-story-not-just-the-caller"].categories == ("Phone Skills", "Retail")
    assert tag_page["let-the-silence-work"].categories == ("Banking",)  # "Posted in", no "on"
    # A teaser on a tag page has no known category: the placeholder, until a real one comes.
    assert tag_page["smile-where-they-can-hear-it"].categories == ("Imported",)


def test_a_lower_case_header_the_posts_list_is_a_category(page3: dict[str, Tip]) -> None:
    assert all("Hospitality" in t.categories and t.tags == () for t in page3.values())


def test_posted_on_line_with_a_date_and_an_author(tag_page: dict[str, Tip]) -> None:
    transfer = tag_page["transfer-the-story-not-just-the-caller"]
    assert (transfer.date, transfer.author) == (dt.date(2021, 3, 3), "Lena")
    assert tag_page["let-the-silence-work"].date == dt.date(2021, 4, 20)  # Blog 4-20-2021
    assert tag_page["put-the-caller-on-hold-the-kind-way"].date == dt.date(2021, 11, 2)  # 11/2/2021


@pytest.mark.parametrize(
    ("slug", "summary"),
    [
        # An abbreviation ("Dr.") ends no sentence; a "Read more" after a cut word.
        (
            "put-the-caller-on-hold-the-kind-way",
            "Nobody likes the click of a hold button with no warning. Dr. Okafor's clinic fixed this "
            "with one sentence at the front desk. Staff now ask, wait for a yes, and say how long the "
            "hold will be. …",
        ),
        # "Continue reading »" is a "Read more" too.
        (
            "smile-where-they-can-hear-it",
            "Does a smile really travel down a phone line? Ask anyone who has called a help desk at "
            "the end of a long shift. …",
        ),
        # No "Read more" and cut mid-word: the unfinished sentence goes.
        (
            "spell-it-back-every-time",
            "When Tomasz took a booking over the phone, he wrote the surname the way it sounded "
            "and moved on. …",
        ),
        # No whole sentence at all: whole words only, never "rememb".
        (
            "close-the-call-with-the-next-step",
            "Ending a call well is a skill of its own, and most training skips it entirely even though "
            "it is the part the caller…",
        ),
    ],
)
def test_teaser_summaries_end_with_a_whole_sentence_or_word(
    tag_page: dict[str, Tip], slug: str, summary: str
) -> None:
    assert tag_page[slug].summary == summary


def test_a_post_summary_is_its_opening_not_a_bare_hook(
    tag_page: dict[str, Tip], page3: dict[str, Tip]
) -> None:
    assert tag_page["transfer-the-story-not-just-the-caller"].summary == (
        "Why do callers hate transfers? Because they have to start again."
    )
    assert tag_page["let-the-silence-work"].summary == (
        "A pause on the phone feels longer to the person speaking than to the one listening."
    )
    assert page3["smile-before-you-pick-up"].summary == (
        "Callers can hear a smile. Oskar tested this on his own team: he recorded twenty calls and "
        "played them back to a panel of regular guests, who picked the cheerful greetings every time."
    )


def test_every_imported_text_is_clean(both: dict[str, Tip]) -> None:
    for tip in both.values():
        assert tip.summary, tip.id
        assert tip.summary.endswith(("…", ".", "!", "?", "”", '"')), tip.summary
        for text in (tip.title, tip.summary, tip.takeaway, tip.body, tip.publisher):
            assert "\u00a0" not in text and "  " not in text
        assert tip.source == "" and tip.publisher in ("Front Desk Academy", "Counter Notes")
        if tip.takeaway:
            assert not tip.body.rstrip().endswith(tip.takeaway), tip.id
            assert tip.takeaway not in tip.body.split("\n\n")


def test_choices_are_recorded_for_the_dry_run() -> None:
    result = archive.parse(TAG_PAGE.read_text(encoding="utf-8"), str(TAG_PAGE))
    said = {choice for title, choice in result.choices if title == "Transfer the Story, Not Just the Caller"}
    assert "summary: the first two sentences (the first alone is a short hook)" in said
    assert (
        "takeaway: the closing line 'Nobody should have to tell their story twice.' (taken out of the body)"
        in said
    )
    assert "tag 'phone manner': the page header is in lower case, a tag archive" in said
    assert "left out 2 closing paragraph(s) of site promotion" in said


def test_read_more_on_a_line_of_its_own_still_ends_the_teaser() -> None:
    text = page(
        "Greet Them Early - 3/4/25",
        "A greeting sets the tone. It tells people they were seen",
        "Read more",
        "Next One - 3/11/25",
        "A second teaser here. It is cut off in the mi  Read more »",
    )
    result = archive.parse(text, "p")
    assert result.problems == []
    assert [t.summary for t in result.tips] == ["A greeting sets the tone. …", "A second teaser here. …"]


def test_a_page_saved_without_blank_lines_reads_the_same() -> None:
    text = (
        "Retail | Shop Floor Notes - Page 2\n"
        "Greet Them Early - 3/4/25\n"
        "A greeting sets the tone. It tells people they  Read more\n"
        "\n"
        "Count the Change Aloud\n"
        "Posted on in Retail 3 Comments\n"
        "Counting aloud prevents most arguments at the till, and it takes no time at all.\n"
        "\n"
        "Say the amount as you hand it over.\n"
    )
    result = archive.parse(text, "p")
    assert result.problems == []
    teaser, post = result.tips
    assert (teaser.title, teaser.summary) == ("Greet Them Early", "A greeting sets the tone. …")
    assert post.body.startswith("Counting aloud") and post.takeaway == "Say the amount as you hand it over."
