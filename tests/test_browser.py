"""The view in a real headless Chromium: renders, stays offline, escapes, scales.

Needs the Debian packages ``chromium`` and ``chromium-driver`` and the Python package
``selenium``; skipped otherwise. The system chromedriver is used (no selenium-manager
download). Screenshots go to the test's tmp dir; the small graph's also to
``/tmp/kg_view.png``.
"""

import shutil
import time
from pathlib import Path

import pytest
from conftest import E1, E2, make_big_graph, make_graph
from rdflib import Literal

from kg import view
from kg.analyse import knowledge_network
from kg.namespace import CKG

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Measured on a 2-core machine: the 5,000-node page is ready in 2.5-4.7 s
#: (positions precomputed, physics off); the bound is about twice that.
BIG_PAGE_SECONDS = 10.0
SMALL_PAGE_SECONDS = 30.0
HOSTILE = (
    'Ils ont écrit <script>window.__pwned=1</script> puis <img src=x onerror="window.__pwned=2"> '
    "dans la dépêche."
)

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("chromium and chromium-driver (apt) not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chrome-profile")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    chrome = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    chrome.set_script_timeout(30)
    chrome.set_page_load_timeout(120)
    yield chrome
    chrome.quit()


def _open(driver, path: Path, bound: float) -> float:
    """Load ``path`` and wait until the page says it is ready; return the seconds taken."""
    driver.get_log("browser")  # drop entries of earlier pages
    driver.get_log("performance")
    start = time.monotonic()
    driver.get(path.as_uri())
    while True:
        ready = driver.execute_script(
            "return typeof network !== 'undefined' && window.kgReady === true"
            " && network.physics.options.enabled === false"
        )
        elapsed = time.monotonic() - start
        if ready:
            return elapsed
        assert elapsed < bound, f"page not ready after {elapsed:.1f} s"
        time.sleep(0.1)


def _check_offline_and_clean(driver) -> None:
    import json

    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    urls, anywhere = [], []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            params = message["params"]
            anywhere.append(params["request"]["url"])
            # Chromium's own new-tab page may still be loading chrome:// resources
            # from start-up; keep the requests made by (or for) our file:// page.
            if not params.get("documentURL", "").startswith("chrome"):
                urls.append(params["request"]["url"])
    assert urls, "the performance log recorded no request at all"
    assert [u for u in urls if not u.startswith(("file:", "data:", "about:"))] == []
    assert [u for u in anywhere if u.startswith(("http:", "https:", "ws:", "wss:"))] == []


def _rendered_count(driver) -> int:
    return driver.execute_script("return network.body.data.nodes.length")


def test_browser_small_graph(driver, tmp_path):
    g = make_graph()
    g.set((E2, CKG.evidence, Literal(HOSTILE, lang="fr")))
    net = knowledge_network(g)
    page = view.write_html(net, tmp_path / "graph.html", title="<b>kg</b> test")
    seconds = _open(driver, page, SMALL_PAGE_SECONDS)
    print(f"small graph ({net.number_of_nodes()} nodes) ready in {seconds:.2f} s")
    _check_offline_and_clean(driver)
    assert _rendered_count(driver) == net.number_of_nodes()
    assert driver.execute_script("return network.body.data.edges.length") == net.number_of_edges()
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.title == "<b>kg</b> test"

    # the tooltip of an event node is an element holding the evidence as text
    tip = driver.execute_script("return network.body.data.nodes.get(arguments[0]).title.textContent", str(E2))
    assert HOSTILE in tip
    assert (
        driver.execute_script(
            "return network.body.data.nodes.get(arguments[0]).title.querySelectorAll('img, script').length",
            str(E2),
        )
        == 0
    )

    # hovering the node shows the tooltip with the evidence sentence
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = driver.find_element("css selector", "#mynetwork canvas")
    x, y = driver.execute_script(
        "var p = network.canvasToDOM(network.getPositions([arguments[0]])[arguments[0]]);"
        "var r = arguments[1].getBoundingClientRect(); return [p.x - r.width / 2, p.y - r.height / 2];",
        str(E1),
        canvas,
    )
    ActionChains(driver).move_to_element_with_offset(canvas, int(x), int(y)).perform()
    deadline = time.monotonic() + 5
    shown = ""
    while time.monotonic() < deadline and "Raid" not in shown:
        time.sleep(0.2)
        shown = driver.execute_script(
            "var t = document.querySelector('div.vis-tooltip');"
            " return t && t.style.visibility !== 'hidden' ? t.textContent : ''"
        )
    assert 'Raid <script>alert(1)</script> sur "quotes" à Alep.' in shown
    assert driver.execute_script("return typeof window.__pwned") == "undefined"

    shot = tmp_path / "kg_view.png"
    assert driver.save_screenshot(str(shot))
    shutil.copy(shot, "/tmp/kg_view.png")


@pytest.mark.model
def test_browser_built_graph_with_hostile_article(driver, tmp_path):
    """A real build: an article whose text carries markup reaches the page inert."""
    from kg.pipeline import build
    from kg.store import load_graph

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    inputs = tmp_path / "in"
    inputs.mkdir()
    first = sorted(seeds.glob("*.txt"))[0]
    shutil.copy(first, inputs / first.name)
    (inputs / "999_hostile.txt").write_text(
        "date 2016-03-27\n"
        "L'armée syrienne a repris Palmyre à l'Etat islamique dimanche, selon l'OSDH "
        '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2">.\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build([inputs], out, html=True, validate=False)
    net = knowledge_network(load_graph(out / "graph.ttl"))
    seconds = _open(driver, out / "graph.html", SMALL_PAGE_SECONDS)
    print(f"built graph ({net.number_of_nodes()} nodes) ready in {seconds:.2f} s")
    _check_offline_and_clean(driver)
    assert _rendered_count(driver) == net.number_of_nodes()
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    driver.save_screenshot(str(tmp_path / "built.png"))


def test_browser_large_graph(driver, tmp_path):
    net = knowledge_network(make_big_graph(5000))
    assert net.number_of_nodes() == 5000
    start = time.monotonic()
    page = view.write_html(net, tmp_path / "big.html")
    written = time.monotonic() - start
    seconds = _open(driver, page, BIG_PAGE_SECONDS)
    print(
        f"5,000 nodes / {net.number_of_edges()} edges: page written in {written:.1f} s, ready in {seconds:.2f} s"
    )
    _check_offline_and_clean(driver)
    assert _rendered_count(driver) == 5000
    driver.save_screenshot(str(tmp_path / "big.png"))
