"""The leaderboard page (harness/leaderboard/html.py) on a fixed sample of result files
(tests/fixtures/results_sample/<solver>/<puzzle>.json, read by the `results` fixture of tests/leaderboard/conftest.py;
the ranking and the Markdown page on the same sample: test_rank.py, test_markdown.py).

The sample: 4 solvers x 3 puzzles. `reference` (human) solves all three; `xss_probe` (human) has a display name,
link and messages full of markup and solves one; `auto_circuit` (automated) solves one, errors on one and has
no result for bigram_0l; `random_baseline` (baseline) solves none but has a higher mean score than
auto_circuit, so it proves that puzzles solved come before the mean score.

The page is checked twice: parsed with html.parser (always), and in headless Chromium through Selenium when
/usr/bin/chromium, /usr/bin/chromedriver and selenium are present (.ci/run installs them in CI).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.leaderboard.html import AXIS_LIMITS, axis_range, render_html

PUZZLES = ["rederive_position", "previous_token_mlp", "bigram_0l"]
GENERATED = "2026-12-01T12:00:00+00:00"
COMMIT = "0123abc"
XSS_NAME = '<script>alert("pwned")</script> & <b>Co</b>'
RANKED = ["reference", "xss_probe", "auto_circuit", "random_baseline"]  # solved 3, 1, 1, 0
BY_MEAN_ASC = ["auto_circuit", "random_baseline", "xss_probe", "reference"]  # 0.283, 0.350, 0.367, 0.950
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def ok_claims(results, puzzle):
    """The claims the chart of `puzzle` should draw: those of every non-error result on it."""
    return [c for r in results if r["puzzle"] == puzzle and r["status"] == "ok" for c in r["claims"]]


# -------------------------------------------------------------------------------------------- html, parsed


class PageParser(HTMLParser):
    """Collects every start tag (with its attributes, its ancestors' tags) and the text of scripts and titles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.stack: list[str] = []
        self.scripts: list[str] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []

    VOID = {"meta", "br", "wbr", "input", "img", "link", "hr"}

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, attrs, tuple(self.stack)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}, tuple(self.stack)))

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script":
            self.scripts.append(data)
        self.texts.append((tuple(self.stack), data))

    def find(self, tag, cls=None, **attrs):
        return [a for t, a, _ in self.tags if t == tag and (cls is None or cls in a.get("class", "").split())
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def table_cells(fragment: str) -> list[list[str]]:
    """The text of each th/td of each tr in an HTML fragment."""
    rows: list[list[str]] = []

    class Cells(HTMLParser):
        cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                rows.append([])
            elif tag in ("th", "td"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("th", "td") and self.cell is not None:
                rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Cells(convert_charrefs=True)
    parser.feed(fragment)
    parser.close()
    return rows


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def test_html_parsed(results):
    page = render_html(results, PUZZLES, GENERATED, COMMIT)
    doc = parse(page)
    assert page.startswith("<!DOCTYPE html>") and "make leaderboard" in page and COMMIT in page

    # the summary table: sortable headers with keys, numeric types and aria-sort; rows in rank order
    assert len(doc.find("table", id="summary")) == 1
    heads = [a for t, a, _ in doc.tags if t == "th" and "data-key" in a]
    assert [h["data-key"] for h in heads] == ["rank", "solver", "method", "solved", "mean_score",
                                              *[f"puzzle:{p}" for p in PUZZLES]]
    assert [h["data-type"] for h in heads] == ["num", "text", "text", "num", "num", "num", "num", "num"]
    assert [h["aria-sort"] for h in heads] == ["ascending"] + ["none"] * 7
    rows = [a for t, a, anc in doc.tags if t == "tr" and "data-order" in a]
    assert [r["data-solver"] for r in rows] == RANKED
    assert [r["class"] for r in rows] == ["", "", "", "baseline"]
    assert len(doc.find("span", "badge-baseline")) == 1 + 3 + 3  # the summary, the baseline's 3 puzzle tables and charts
    summary = page[page.index('<table id="summary"'):]
    summary = table_cells(summary[: summary.index("</table>")])
    assert summary[0] == ["rank", "solver", "method", "puzzles solved", "mean score", *PUZZLES]
    assert summary[1:] == [["1", "Reference", "human", "3/3", "0.950", "1.000 ✓", "0.950 ✓", "0.900 ✓"],
                           ["2", XSS_NAME, "human", "1/3", "0.367", "0.700 ✓", "0.400", "—"],
                           ["3", "AutoCircuit (ACDC sweep)", "automated", "1/3", "0.283", "0.850 ✓", "error", "—"],
                           ["4", "Random circuit", "baseline", "0/3", "0.350", "0.300", "0.300", "0.450"]]
    values = re.findall(r'<td class="num" data-value="([^"]+)">', page[page.index("<tbody>"):])
    assert values[:5] == ["1", "3", "0.950000", "1.000000", "0.950000"]  # numbers the sorter compares

    # one script, the sorter, pinned by the page's Content-Security-Policy; no inline handlers
    assert len(doc.scripts) == 1
    script = doc.scripts[0]
    assert "addEventListener" in script and "aria-sort" in script and "parseFloat" in script
    assert "ascending" in script and "descending" in script
    (csp,) = [a["content"] for a in doc.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert not any(k.startswith("on") for _, a, _ in doc.tags for k in a)

    # nothing fetched: no src at all, no stylesheet links, http(s) only in <a href> (navigation, never loaded)
    assert not any("src" in a or t in ("link", "img", "iframe", "object", "embed") for t, a, _ in doc.tags)
    for tag, attrs, _ in doc.tags:
        for key, value in attrs.items():
            if re.match(r"\s*(https?:)?//", value) and key != "xmlns":
                assert tag == "a" and key == "href", (tag, key, value)
            assert not value.strip().lower().startswith("javascript:"), (tag, key, value)
    assert [a["href"] for a in doc.find("a") if a["href"].startswith("http")] == [
        "https://example.org/interp-puzzles/reference"] * 7  # summary, 3 tables, 3 charts
    assert "url(" not in page and "@import" not in page

    # escaping: the markup in names and messages is text, never tags
    allowed = {"html", "head", "meta", "title", "style", "body", "main", "header", "p", "code", "section", "h1", "h2",
               "div", "table", "thead", "tbody", "tr", "th", "td", "span", "a", "wbr", "nav", "ul", "li", "details",
               "summary", "b", "footer", "script"}
    assert {t for t, _, _ in doc.tags} <= allowed  # no tag came from a name or a message
    assert sum(XSS_NAME in text for _, text in doc.texts) >= 3
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in page
    assert "</title><script>" not in page and "</td><script>" not in page
    noted = render_html(results, PUZZLES, GENERATED, COMMIT, notes=["gpt2_ioi: not graded here (<no GPU>)."])
    assert '<ul class="notes" id="notes"><li>gpt2_ioi: not graded here (&lt;no GPU&gt;).</li></ul>' in noted
    assert 'id="notes"' not in page

    # charts: one per puzzle, one mark per claim (pass/fail/vacuous as recorded), a threshold tick per claim with one
    charts = doc.find("div", "chart")
    assert [c["data-puzzle"] for c in charts] == PUZZLES
    all_claims = []
    for puzzle, chart in zip(PUZZLES, charts):
        chunk = page.split(f'<div class="chart" data-puzzle="{puzzle}"')[1]
        chunk = chunk[: chunk.index('<ul class="legend">')]
        claims = ok_claims(results, puzzle)
        all_claims += claims
        lo, hi = (float(x) for x in chart["data-axis"].split(","))
        values = [c["value"] for c in claims if c["value"] is not None]
        assert lo <= 0 and hi >= 1 and AXIS_LIMITS[0] <= lo and hi <= AXIS_LIMITS[1]
        assert lo <= min([AXIS_LIMITS[1], *values, *(c["threshold"] for c in claims)]) or lo == AXIS_LIMITS[0]
        assert len(re.findall(r'<span class="dot claim (pass|fail|vacuous)', chunk)) == len(claims)
        assert len(re.findall(r'<span class="dot claim pass', chunk)) == sum(c["passed"] for c in claims)
        assert len(re.findall(r'<span class="threshold"', chunk)) == sum(c["threshold"] is not None for c in claims)
        clipped = re.findall(r'<span class="dot claim \w+ clipped" style="left:([0-9.]+)%', chunk)
        assert sorted(clipped) == sorted("0.00" if v < lo else "100.00" for v in values if not lo <= v <= hi)
        # every failing claim's message is in plain view; a passing one's behind a tap/keyboard toggle
        failing = sum(not c["passed"] and bool(c["message"] or c["failures"]) for c in claims)
        assert len(re.findall(r'<p class="why">', chunk)) == failing
        assert len(re.findall(r'<details class="why">', chunk)) == sum(c["passed"] and bool(c["message"] or c["failures"])
                                                                       for c in claims)
    assert len(all_claims) == 23
    assert len([a for a in doc.find("span", "dot") if "na" in a["class"].split() and "claim" in a["class"].split()]) == 1
    assert "prev-token head L0H1" in page and "0.910 / 0.800" in page  # full label and numbers as text
    assert "&lt;/title&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in page  # a message's markup stays text
    errors = [text for anc, text in doc.texts if text.startswith("error: HypothesisError")]
    assert len(errors) == 1


def test_axis_is_scaled_to_the_data_and_thresholds():
    from harness.grading.context import ClaimResult

    def claim(value, threshold=0.9, ci=(0.0, 0.0)):
        return ClaimResult(0, "circuit", "c", True, value, threshold, ci, 8, None, [])

    assert axis_range([claim(0.95)]) == (0.0, 1.0)
    assert axis_range([claim(-0.33), claim(1.07, 0.8)]) == (-0.4, 1.2)
    assert axis_range([claim(-7.0), claim(float("nan"), 3.0)]) == AXIS_LIMITS
    assert axis_range([claim(0.5, 0.9, (-0.25, 1.31))]) == (-0.4, 1.4)


# ------------------------------------------------------------------------------------------- html, browser


def _browser_missing() -> str | None:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)"
    if importlib.util.find_spec("selenium") is None:
        return "needs selenium (pip install -r requirements.lock)"
    return None


@pytest.fixture
def browser(tmp_path):
    reason = _browser_missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1280,900", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_html_in_browser(results, browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    page = tmp_path / "leaderboard.html"
    page.write_text(render_html(results, PUZZLES, GENERATED, COMMIT), encoding="utf-8")
    browser.get(page.as_uri())
    with pytest.raises(NoAlertPresentException):  # none of the sample's <script>s ran
        browser.switch_to.alert.text

    def order():
        return [tr.get_attribute("data-solver") for tr in browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")]

    def header(key):
        return browser.find_element(By.CSS_SELECTOR, f'#summary th[data-key="{key}"]')

    assert order() == RANKED
    first = browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")[1].find_elements(By.TAG_NAME, "td")
    assert first[1].text.replace("\n", " ") == XSS_NAME  # shown as typed, not interpreted
    assert browser.find_elements(By.CSS_SELECTOR, "#summary td b, #summary td script") == []
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")[2]
             .find_elements(By.TAG_NAME, "td")]
    assert cells[2:] == ["automated", "1/3", "0.283", "0.850 ✓", "error", "—"]
    assert "baseline" in browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")[3].get_attribute("class")

    # sorting: first click ascending, second descending; numeric, not textual
    header("mean_score").click()
    assert order() == BY_MEAN_ASC
    assert header("mean_score").get_attribute("aria-sort") == "ascending"
    assert header("rank").get_attribute("aria-sort") == "none"
    header("mean_score").click()
    assert order() == BY_MEAN_ASC[::-1]
    assert header("mean_score").get_attribute("aria-sort") == "descending"
    header("puzzle:bigram_0l").click()  # missing (—) sorts below every score; ties keep the rank order
    assert order() == ["xss_probe", "auto_circuit", "random_baseline", "reference"]
    header("solver").click()  # text sort on the names shown: "<script>…", "AutoCircuit…", "Random…", "Reference"
    assert order() == ["xss_probe", "auto_circuit", "random_baseline", "reference"]
    header("solver").click()
    assert order() == ["reference", "random_baseline", "auto_circuit", "xss_probe"]
    header("rank").click()
    assert order() == RANKED

    # charts: one per puzzle, drawn at a real size, one mark per claim
    charts = browser.find_elements(By.CSS_SELECTOR, "div.chart")
    assert [c.get_attribute("data-puzzle") for c in charts] == PUZZLES
    assert all(c.size["width"] > 600 and c.size["height"] > 60 for c in charts)
    for chart, puzzle in zip(charts, PUZZLES):
        claims = ok_claims(results, puzzle)
        assert len(chart.find_elements(By.CSS_SELECTOR, ".dot.claim")) == len(claims)
        assert len(chart.find_elements(By.CSS_SELECTOR, ".dot.claim.pass")) == sum(c["passed"] for c in claims)
        assert len(chart.find_elements(By.CSS_SELECTOR, ".dot.claim.fail")) == sum(not c["passed"] for c in claims)
    colors = browser.execute_script(
        "return ['pass', 'fail'].map(c => getComputedStyle(document.querySelector('.dot.claim.' + c)).backgroundColor)")
    assert colors[0] != colors[1]
    # a failing claim's message is on view without hovering; a passing one's opens by a click (tap), not hover
    assert all(p.is_displayed() for p in browser.find_elements(By.CSS_SELECTOR, ".claim-row.fail p.why"))
    toggle = browser.find_element(By.CSS_SELECTOR, ".claim-row.pass details.why")
    assert toggle.get_attribute("open") is None
    toggle.find_element(By.TAG_NAME, "summary").click()
    assert toggle.get_attribute("open") is not None

    # nothing was or would be fetched; the policy blocked nothing the page needs; no console errors
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.execute_script("return document.querySelectorAll('[src], link, img, iframe').length") == 0
    assert browser.execute_script("return document.scripts.length") == 1
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//(?!example\.org/interp-puzzles/reference)""",
                         browser.page_source)
    severe = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert severe == []

    # a full-page screenshot
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(height + 120, 8000))
    shot = tmp_path / "leaderboard.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000

    # numbers compare as numbers ("10" after "9"), on a page with 12 solvers
    many = []
    for i in range(12):
        result = copy.deepcopy(next(r for r in results if r["solver"] == "random_baseline"))
        result.update(solver=f"s{i:02d}", display_name=f"Solver {i}", score=i / 12, solved=False, link=None)
        many.append(result)
    page.write_text(render_html(many, PUZZLES, GENERATED, COMMIT), encoding="utf-8")
    browser.get(page.as_uri())
    descending = [f"s{i:02d}" for i in range(11, -1, -1)]
    assert order() == descending
    header("rank").click()  # it starts ascending, so the first click turns it round
    assert order() == descending[::-1]
    header("mean_score").click()
    assert order() == descending[::-1]


LAYOUT_PROBE = """
const width = document.documentElement.clientWidth;
const small = [], cut = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!node.textContent.trim() || !el.getClientRects().length) continue;
  const style = getComputedStyle(el);
  if (style.visibility === "hidden" || style.display === "none") continue;
  if (parseFloat(style.fontSize) < 11) small.push(el.tagName + " " + node.textContent.trim().slice(0, 40));
  if (style.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth) cut.push(node.textContent.trim());
}
return {scroll: document.documentElement.scrollWidth, width: width, small: small, cut: cut};
"""


@pytest.mark.parametrize("width, height", [(1400, 900), (390, 844)], ids=["desktop", "phone"])
def test_page_layout(results, browser, tmp_path, width, height):
    """Simple layout invariants in real Chromium: the page never scrolls sideways (wide tables scroll inside their
    own box), no visible text is under 11 px, no label is cut off, and the claim labels are shown in full."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "leaderboard.html"
    long_name = copy.deepcopy(results)
    for r in long_name:
        if r["solver"] == "reference":
            r["display_name"] = "A very long solver name that goes on and on, as real team names sometimes do"
            for c in r["claims"]:
                c["name"] = c["name"] + " — with a long explanation of what the claim says about the mechanism"
    page.write_text(render_html(long_name, PUZZLES, GENERATED, COMMIT), encoding="utf-8")
    browser.set_window_size(width, height)
    browser.get(page.as_uri())
    inner = browser.execute_script("return window.innerWidth")
    assert abs(inner - width) <= 20, inner  # the window really is that wide
    probe = browser.execute_script(LAYOUT_PROBE)
    assert probe["scroll"] <= probe["width"], f"the page scrolls sideways: {probe['scroll']} px in {probe['width']} px"
    assert probe["small"] == [], probe["small"][:5]
    assert probe["cut"] == []
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".claim-row .label")]
    assert sum("with a long explanation of what the claim says about the mechanism" in t for t in labels) == 3 + 2 + 4
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".chart .who")]
    assert sum("as real team names sometimes do" in t for t in names) == 3
    tracks = browser.find_elements(By.CSS_SELECTOR, ".claim-row .track")
    assert min(t.size["width"] for t in tracks) >= (300 if width < 600 else 500)
    shot = tmp_path / f"leaderboard-{width}.png"
    assert browser.save_screenshot(str(shot))
