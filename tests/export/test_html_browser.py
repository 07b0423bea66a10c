"""graph.html in a real browser: Debian's Chromium, headless, driven by Playwright.

The page must load offline with no error, settle, draw something, and its search, type
filters and side panel must work; untrusted titles and abstracts must stay text. Every
request the page makes is routed: only file:// (and about:/data:) may load, anything else is
aborted and recorded, and the tests assert nothing else was attempted.

Skips when Playwright or /usr/bin/chromium (``KG_CHROMIUM`` overrides the path) is missing.
Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install playwright)")

from kg.assemble import assemble  # noqa: E402
from kg.build import build  # noqa: E402
from kg.config import BuildConfig  # noqa: E402
from kg.export import Bundle  # noqa: E402
from kg.export.html import write_html  # noqa: E402
from kg.model import Extraction, Mention, Paper  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
SETTLE_MS = 60_000
LOCAL = ("file:", "about:", "data:")

EVIL_TITLE = '<img src=x onerror="window.__pwned=1">'
EVIL_ABSTRACT = "We train BERT on it. <script>window.__pwned=2</script> <b>bold</b>"


# -- browser plumbing --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A persistent Chromium context with a fresh profile; ``.blocked`` lists refused URLs."""
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=ARGS, viewport=VIEWPORT)
        blocked: list[str] = []

        def route(r):
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        ctx.blocked = blocked
        try:
            yield ctx
        finally:
            ctx.close()


def open_page(ctx, path: Path):
    """Open ``path``, wait for the layout to settle; ``page.problems`` collects console
    errors and uncaught exceptions."""
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.problems = problems
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-layout=settled]", state="attached", timeout=SETTLE_MS)
    return page


def click_node(page, node_id: str) -> None:
    """A real mouse click on a node: zoom onto it, find an on-screen point of it that no other
    node covers, click there."""
    page.evaluate("""id => window.kgNetwork.focus(id, {scale: 1.5, animation: false})""", node_id)
    point = page.evaluate("""id => {
        const net = window.kgNetwork, c = net.canvasToDOM(net.getPositions([id])[id]);
        const r = 0.9 * net.body.nodes[id].options.size * net.getScale();
        const box = document.querySelector('#graph canvas').getBoundingClientRect();
        for (let d = 0; d <= r; d += 1)
            for (let a = 0; a < 16; a++) {
                const p = {x: c.x + d * Math.cos(a * Math.PI / 8), y: c.y + d * Math.sin(a * Math.PI / 8)};
                if (net.getNodeAt(p) === id) return {x: box.left + p.x, y: box.top + p.y};
                if (d === 0) break;
            }
        return null;
    }""", node_id)
    assert point, f"{node_id} is covered by other nodes on screen"
    page.mouse.click(point["x"], point["y"])
    page.evaluate("p => { window.__lastClick = p; }", point)
    page.wait_for_function("id => document.getElementById('panel').dataset.node === id", arg=node_id)


def _nudge(page) -> tuple[float, float]:
    """The mouse's last click point moved by one pixel (vis shows tooltips on mouse moves)."""
    p = page.evaluate("window.__lastClick")
    return p["x"] + 1, p["y"] + 1


def visible_of_type(page, typ: str) -> int:
    """Nodes of a type that vis-network currently draws (its visible-node index)."""
    return page.evaluate("""t => {
        const b = window.kgNetwork.body;
        return b.nodeIndices.filter(id => b.data.nodes.get(id).type === t).length;
    }""", typ)


# -- the sample view ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_html(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-html")
    result = build(BuildConfig(out_dir=out, formats=("html",), quiet=True))
    return result.outputs["html"][0]


@pytest.fixture(scope="module")
def page(browser, sample_html):
    p = open_page(browser, sample_html)
    yield p
    p.close()


@pytest.fixture
def fresh(page):
    """The sample page with the search cleared and every type shown."""
    page.fill("#search", "")
    for box in page.query_selector_all("#filters input[data-type]"):
        if not box.is_checked():
            box.check()
    return page


def test_loads_offline_without_errors(page, browser):
    assert page.problems == []
    assert browser.blocked == []
    assert int(page.get_attribute("body", "data-settle-ms")) >= 0
    assert page.is_hidden("#loading")
    assert page.query_selector("#cut-note") is None
    types = page.eval_on_selector_all("#filters input[data-type]", "bs => bs.map(b => b.dataset.type)")
    assert types[0] == "Paper" and {"Dataset", "Method", "Task"} <= set(types)


def test_canvas_is_drawn(page):
    painted = page.evaluate("""() => {
        const c = document.querySelector('#graph canvas');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
        return {n, total: px.length / 4};
    }""")
    assert painted["total"] > 100_000
    assert painted["n"] > 0.01 * painted["total"], painted


def test_search_selects_and_focuses(fresh):
    page = fresh
    page.fill("#search", "ImageNet")
    first = page.locator("#search-results li button").first
    assert first.inner_text().strip() == "ImageNet"  # the exact match ranks first
    assert page.locator("#search-results li").count() >= 2
    first.click()
    target = page.evaluate("""() => Object.keys(window.kgNetwork.body.data.nodes.get({returnType: 'Object'}))
        .find(id => window.kgNetwork.body.data.nodes.get(id).label === 'ImageNet')""")
    assert target
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == [target]
    page.wait_for_function("""id => {  // the focus animation ends with the node in the middle
        const net = window.kgNetwork, p = net.getPositions([id])[id], v = net.getViewPosition();
        return Math.hypot(p.x - v.x, p.y - v.y) < 1;
    }""", arg=target, timeout=5000)
    assert page.get_attribute("#panel", "data-node") == target
    assert page.inner_text("#panel h2") == "ImageNet"


def test_type_filter_hides_and_shows(fresh):
    page = fresh
    before = visible_of_type(page, "Dataset")
    assert before > 0
    papers = visible_of_type(page, "Paper")
    page.uncheck("#filters input[data-type=Dataset]")
    assert visible_of_type(page, "Dataset") == 0
    assert visible_of_type(page, "Paper") == papers  # other types untouched
    hidden_edges = page.evaluate("""() => window.kgNetwork.body.data.edges.get({filter: e => e.hidden}).length""")
    assert hidden_edges > 0
    page.check("#filters input[data-type=Dataset]")
    assert visible_of_type(page, "Dataset") == before
    assert page.evaluate("""() => window.kgNetwork.body.data.edges.get({filter: e => e.hidden}).length""") == 0


def test_clicking_a_paper_then_an_entity(fresh):
    page = fresh
    data = page.evaluate("""() => JSON.parse(document.getElementById('kg-data').textContent).papers""")
    pid, paper = next((k, p) for k, p in data.items()
                      if p["date"] and p["abstract"] and len(p["entities"]) >= 2)
    click_node(page, pid)
    assert page.inner_text("#panel h2") == paper["title"]
    assert paper["date"] in page.inner_text("#panel .meta")
    assert page.inner_text("#panel .abstract").split() == paper["abstract"].split()
    entities = page.locator("#panel ul.entities li button")
    assert entities.count() == len(paper["entities"])
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == [pid]

    entities.first.click()
    eid = paper["entities"][0]
    page.wait_for_function("id => document.getElementById('panel').dataset.node === id", arg=eid)
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == [eid]
    listed = page.locator("#panel ul.papers li button").all_inner_texts()
    assert paper["title"] in [t.strip() for t in listed]
    assert page.problems == []


def test_clicking_an_entity_on_the_canvas_lists_its_papers(fresh):
    page = fresh
    entities = page.evaluate("""() => JSON.parse(document.getElementById('kg-data').textContent).entities""")
    eid, ent = max(entities.items(), key=lambda kv: kv[1]["count"])
    click_node(page, eid)
    assert page.inner_text("#panel h2") == ent["label"]
    assert page.locator("#panel ul.papers li button").count() == len(ent["papers"]) == ent["count"]


# -- untrusted text ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def evil_html(tmp_path_factory) -> Path:
    paper = Paper(id="evil", title=EVIL_TITLE, abstract=EVIL_ABSTRACT, date_text="Jun 29, 2024")
    i = paper.text.index("BERT")
    mention = Mention(key="bert", label="BERT", type="Architecture", text="BERT", start=i, end=i + 4,
                      sentence=1, rule="vocabulary", proposed=False, confidence=1.0, in_vocabulary=True)
    other = Paper(id="plain", title="A plain paper about BERT", abstract="BERT again.")
    j = other.text.index("BERT")
    mention2 = Mention(key="bert", label="BERT", type="Architecture", text="BERT", start=j, end=j + 4,
                       sentence=0, rule="vocabulary", proposed=False, confidence=1.0, in_vocabulary=True)
    kg = assemble([Extraction(paper, (mention,), (EVIL_TITLE, EVIL_ABSTRACT)),
                   Extraction(other, (mention2,), (other.title, other.abstract))])
    path, _ = write_html(Bundle(kg), tmp_path_factory.mktemp("evil-html"))
    return path


def test_untrusted_text_stays_text(browser, evil_html):
    page = open_page(browser, evil_html)
    try:
        click_node(page, "paper:evil")
        page.mouse.move(*_nudge(page))  # hover: the tooltip shows the title as well
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        assert EVIL_TITLE in page.inner_text("div.vis-tooltip")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.inner_text("#panel h2") == EVIL_TITLE
        assert "<script>window.__pwned=2</script>" in page.inner_text("#panel .abstract")
        assert page.locator("#panel img, #panel script, #panel b").count() == 0
        page.click("#panel ul.entities li button")  # BERT lists the evil title as text too
        page.wait_for_function("() => document.getElementById('panel').dataset.node === 'entity:bert'")
        assert EVIL_TITLE in page.inner_text("#panel ul.papers")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.problems == []
        assert browser.blocked == []
    finally:
        page.close()
