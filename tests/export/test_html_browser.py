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
    node covers, click there. The mouse first leaves the node under it (its tooltip could
    cover the point), and a click the page has not answered in 5 s is tried again."""
    for attempt in range(3):
        box = page.locator("#graph").bounding_box()
        page.mouse.move(box["x"] + 2, box["y"] + box["height"] - 2)
        page.wait_for_function("() => !document.querySelector('div.vis-tooltip') || "
                               "getComputedStyle(document.querySelector('div.vis-tooltip')).visibility === 'hidden'")
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
        try:
            page.wait_for_function("id => document.getElementById('panel').dataset.node === id",
                                   arg=node_id, timeout=5000 if attempt < 2 else 30_000)
            return
        except sync_api.TimeoutError:
            continue


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
def sample_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-html")
    return build(BuildConfig(out_dir=out, formats=("html",), quiet=True))


@pytest.fixture(scope="module")
def sample_html(sample_build) -> Path:
    return sample_build.outputs["html"][0]


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
    data = page.evaluate("""() => window.kgView.drawn().filter(id => id.startsWith('paper:'))
        .map(id => window.kgView.paper(id))""")
    pid, paper = next((p["id"], p) for p in data
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
    entities = page.evaluate("""() => window.kgView.drawn().filter(id => id.startsWith('entity:'))
        .map(id => window.kgView.entity(id))""")
    eid, ent = max(((e["id"], e) for e in entities), key=lambda kv: kv[1]["count"])
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


# -- a view larger than its node limit: the picture, the ego view, search outside it -----------

CUT_NODES = 300  #: html_max_nodes for the sample's cut view (the sample has ~1,500 nodes)


@pytest.fixture(scope="module")
def cut_html(sample_build, tmp_path_factory) -> Path:
    bundle = Bundle(sample_build.kg, BuildConfig(html_max_nodes=CUT_NODES))
    path, _leaderboards = write_html(bundle, tmp_path_factory.mktemp("cut-html"))
    return path


@pytest.fixture(scope="module")
def cut_page(browser, cut_html):
    p = open_page(browser, cut_html)
    yield p
    p.close()


def wait_settled(page) -> None:
    page.wait_for_selector("body[data-layout=settled]", state="attached", timeout=SETTLE_MS)


def drawn(page) -> set[str]:
    return set(page.evaluate("window.kgView.drawn()"))


def set_picture(page, min_papers=None, months=None) -> None:
    """Change the picture's controls as a user does, then wait for the new layout."""
    if min_papers is not None:
        page.fill("#min-papers", str(min_papers))
        page.dispatch_event("#min-papers", "change")
        wait_settled(page)
    if months is not None:
        page.select_option("#date-from", months[0])
        wait_settled(page)
        page.select_option("#date-to", months[1])
        wait_settled(page)


def pick(page, label: str, node_id: str) -> None:
    """Find a node by search and pick the exact match (listed first)."""
    page.fill("#search", label)
    page.locator("#search-results li button").first.click()
    page.wait_for_function("id => document.getElementById('panel').dataset.node === id", arg=node_id)


def entity_papers(kg) -> dict[str, set[str]]:
    return {f"entity:{k}": {f"paper:{p}" for p in e.papers} for k, e in kg.entities.items()}


def start_min(kg) -> int:
    """The minimum paper count a view over its node limit opens with: the START_ENTITIES
    most mentioned entities."""
    from kg.export.html import START_ENTITIES
    counts = sorted((len(e.papers) for e in kg.entities.values()), reverse=True)
    return counts[START_ENTITIES] + 1 if len(counts) > START_ENTITIES else 1


def test_a_big_view_opens_on_its_most_mentioned_entities(cut_page, sample_build, browser):
    page, kg = cut_page, sample_build.kg
    m = start_min(kg)
    assert m >= 2
    want = {f"entity:{k}" for k, e in kg.entities.items() if len(e.papers) >= m}
    assert 0 < len(want) <= CUT_NODES
    assert page.input_value("#min-papers") == str(m)
    assert page.get_attribute("body", "data-mode") == "entities"  # their papers do not fit
    assert drawn(page) == want
    note = page.inner_text("#cut-note")
    assert f"Showing the {len(want):,} entities with at least {m} papers (of {len(kg.entities):,})" in note
    assert "papers not drawn" in note and f"limit of {CUT_NODES}" in note
    ends = page.evaluate("() => window.kgNetwork.body.data.edges.get().map(e => [e.from, e.to])")
    assert ends and all(a in want and b in want for a, b in ends)  # co-occurrence links
    assert page.problems == [] and browser.blocked == []


def test_min_papers_filter_redraws_the_picture(cut_page, sample_build):
    page, kg = cut_page, sample_build.kg
    papers_of = entity_papers(kg)
    # the smallest minimum at which the entities and their papers fit the node limit
    for m in range(2, 200):
        ents = {e for e, ps in papers_of.items() if len(ps) >= m}
        papers = set().union(*(papers_of[e] for e in ents))
        if len(ents) + len(papers) <= CUT_NODES:
            break
    assert ents and papers
    try:
        set_picture(page, min_papers=m)
        assert page.get_attribute("body", "data-mode") == "papers"
        assert drawn(page) == ents | papers
        assert f"with at least {m} papers" in page.inner_text("#cut-note")
        set_picture(page, min_papers=m + 5)  # fewer entities still
        assert {n for n in drawn(page) if n.startswith("entity:")} == {
            e for e, ps in papers_of.items() if len(ps) >= m + 5}
    finally:
        set_picture(page, min_papers=start_min(kg))
    assert page.get_attribute("body", "data-mode") == "entities"
    assert page.problems == []


def test_date_range_filter_keeps_the_papers_of_those_months(cut_page, sample_build):
    page, kg = cut_page, sample_build.kg
    months = page.evaluate("window.kgView.months")
    dated = [ex.paper for ex in kg.extractions if ex.paper.date]
    busiest = max(months, key=lambda mo: sum(p.date.isoformat().startswith(mo) for p in dated))
    in_month = {f"paper:{p.id}" for p in dated if p.date.isoformat().startswith(busiest)}
    ents = {e for e, ps in entity_papers(kg).items() if ps & in_month}
    assert len(in_month) >= 5 and ents
    try:
        set_picture(page, min_papers=1, months=(busiest, busiest))
        assert page.get_attribute("body", "data-mode") == "papers"
        assert drawn(page) == ents | in_month  # undated papers are left out of a date range
        assert f"from {busiest} to {busiest}" in page.inner_text("#cut-note")
        assert "without a full date left out" in page.inner_text("#picture-status")
    finally:
        set_picture(page, months=(months[0], months[-1]))
        set_picture(page, min_papers=start_min(kg))
    assert page.get_attribute("body", "data-mode") == "entities"
    assert page.problems == []


def test_ego_view_shows_a_neighbourhood_and_goes_back(cut_page, sample_build):
    page, kg = cut_page, sample_build.kg
    papers_of = entity_papers(kg)
    before = drawn(page)
    key, ent = max(kg.entities.items(), key=lambda kv: len(kv[1].papers))
    eid = f"entity:{key}"
    pick(page, ent.label, eid)
    page.click("#panel button[data-ego='1']")
    wait_settled(page)
    assert page.get_attribute("body", "data-mode") == "ego"
    assert page.is_visible("#ego-bar") and ent.label in page.inner_text("#ego-title")
    one = drawn(page)
    papers = {n for n in one if n.startswith("paper:")}
    assert papers == papers_of[eid]  # its papers (fewer than the cap of 150)
    others = {n for n in one if n.startswith("entity:")} - {eid}
    assert others and all(papers_of[o] & papers_of[eid] for o in others)  # each shares a paper
    page.click("#ego-bar button[data-depth='2']")
    wait_settled(page)
    two = drawn(page)
    assert one < two
    assert all(any(papers_of[x] & papers_of[o] for o in others) for x in two - one)
    page.click("#back")
    wait_settled(page)
    assert page.get_attribute("body", "data-mode") == "entities" and page.is_hidden("#ego-bar")
    assert drawn(page) == before
    page.fill("#search", "")
    assert page.problems == []


def test_search_finds_and_brings_in_nodes_outside_the_picture(cut_page, sample_build):
    page, kg = cut_page, sample_build.kg
    before = drawn(page)
    labels = [e.label.lower() for e in kg.entities.values()]
    # an entity with one paper (not drawn) whose label no other label contains
    key, ent = next((k, e) for k, e in sorted(kg.entities.items()) if len(e.papers) == 1
                    and len(e.label) > 6 and sum(e.label.lower() in x for x in labels) == 1)
    eid = f"entity:{key}"
    assert eid not in before
    page.fill("#search", ent.label)
    assert "not shown" in page.inner_text("#search-status")
    hit = page.locator("#search-results li button", has_text=ent.label).first
    assert "not shown" in hit.inner_text()
    hit.click()
    wait_settled(page)
    assert page.get_attribute("body", "data-mode") == "ego"
    assert eid in drawn(page) and f"paper:{ent.papers[0]}" in drawn(page)
    page.wait_for_function("id => window.kgNetwork.getSelectedNodes()[0] === id", arg=eid, timeout=5000)
    assert page.get_attribute("#panel", "data-node") == eid
    # a paper: papers are not drawn in this picture, and search lists them too
    page.click("#back")
    wait_settled(page)
    title = next(ex.paper.title for ex in kg.extractions if ex.paper.title and len(ex.paper.title) > 30)
    page.fill("#search", title)
    row = page.locator("#search-results li button", has_text=title).first
    assert "not shown" in row.inner_text()
    page.fill("#search", "")
    assert drawn(page) == before
    assert page.problems == []


def test_evidence_sentences_in_the_panel_stay_text(browser, evil_html):
    page = open_page(browser, evil_html)
    try:
        page.fill("#search", "BERT")
        page.locator("#search-results li button").first.click()
        page.wait_for_function("() => document.getElementById('panel').dataset.node === 'entity:bert'")
        quotes = page.locator("#panel blockquote.ev")
        assert quotes.count() == 2  # one sentence from each paper
        assert "<script>window.__pwned=2</script>" in quotes.first.inner_text()
        assert page.locator("#panel blockquote.ev mark").all_inner_texts() == ["BERT", "BERT"]
        assert page.locator("#panel script, #panel img, #panel b").count() == 0
        assert page.locator("#panel a.page-link").count() == 0  # opened as a file: no served pages
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.problems == [] and browser.blocked == []
    finally:
        page.close()


def test_served_view_links_to_the_entity_and_paper_pages(browser, cut_html, sample_build):
    """Over http the panel links to kg serve's /id/entity/{key} and /id/paper/{id} pages; the
    page computes the same slugs as kg.assemble.iris for every entity and paper."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from kg.assemble.iris import entity_slug, paper_slug

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(cut_html.parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    page = browser.new_page()
    try:
        page.route(f"{origin}/**", lambda r: r.continue_())
        page.goto(f"{origin}/graph.html")
        wait_settled(page)
        assert page.evaluate("window.kgView.served") is True
        kg = sample_build.kg
        slugs = page.evaluate("""() => {
            const v = window.kgView, d = JSON.parse(document.getElementById('kg-data').textContent);
            return {e: d.E.key.map(k => v.entity('entity:' + k).slug), p: d.P.id.map(i => v.paper('paper:' + i).slug)};
        }""")
        keys = page.evaluate("() => JSON.parse(document.getElementById('kg-data').textContent).E.key")
        assert slugs["e"] == [entity_slug(k) for k in keys]
        assert slugs["p"] == [paper_slug(ex.paper.id) for ex in kg.extractions]
        key, ent = max(kg.entities.items(), key=lambda kv: len(kv[1].papers))
        pick(page, ent.label, f"entity:{key}")
        assert page.get_attribute("#panel a.page-link", "href") == f"id/entity/{entity_slug(key)}"
        page.locator("#panel ul.papers li button").first.click()
        pid = page.get_attribute("#panel", "data-node")
        assert page.get_attribute("#panel a.page-link", "href") == f"id/paper/{paper_slug(pid[6:])}"
        assert browser.blocked == []
    finally:
        page.close()
        server.shutdown()
        server.server_close()
