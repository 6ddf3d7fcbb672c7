"""Screenshots of the explorer for the docs: ``docs/explorer-seeds.png`` and ``docs/explorer-5000.png``.

Opens a built ``graph.html`` in headless Chromium (Debian ``chromium`` + ``chromium-driver``,
Python ``selenium``), uses the page's own controls as a reader would, and saves the window::

    python tools/screenshot_explorer.py seeds exports/graph.html docs/explorer-seeds.png
    python tools/screenshot_explorer.py large /tmp/out/graph.html docs/explorer-5000.png

``seeds``: the place filter set to Homs (everything in the city and its districts), then a
click on the dated capture of Homs, so the evidence panel shows what, where, when, from which
article and characters. ``large``: a year brushed on the timeline (the busiest of the page),
the largest place-month group expanded, one of its events clicked.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _driver(width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def _settle(driver, bound: float = 30.0) -> None:
    start = time.monotonic()
    while not driver.execute_script("return window.kgReady === true"):
        if time.monotonic() - start > bound:
            raise SystemExit("the page did not finish drawing")
        time.sleep(0.05)
    time.sleep(0.3)


def _click_node(driver, node_id: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = driver.find_element("css selector", "#mynetwork canvas")
    x, y = driver.execute_script(
        "var p = network.canvasToDOM(network.getPositions([arguments[0]])[arguments[0]]);"
        "var r = arguments[1].getBoundingClientRect(); return [p.x - r.width / 2, p.y - r.height / 2];",
        node_id,
        canvas,
    )
    ActionChains(driver).move_to_element_with_offset(canvas, int(x), int(y)).click().perform()
    # to an empty corner of the canvas, so that no tooltip hides the picture
    corner = driver.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", canvas)
    ActionChains(driver).move_to_element_with_offset(canvas, int(6 - corner[0] / 2), int(6 - corner[1] / 2)).perform()
    time.sleep(0.3)


def _brush_months(driver, first: str, last: str) -> None:
    """Drag on the timeline from the bar of month ``first`` to that of ``last``."""
    from selenium.webdriver.common.action_chains import ActionChains

    svg = driver.find_element("id", "kg-timeline-svg")
    x0, x1 = driver.execute_script(
        "var box = arguments[0].getBoundingClientRect();"
        "var bars = [...arguments[0].querySelectorAll('rect[data-month]')];"
        "var a = bars.filter(b => b.dataset.month >= arguments[1])[0].getBoundingClientRect();"
        "var b = bars.filter(b => b.dataset.month <= arguments[2]).pop().getBoundingClientRect();"
        "return [a.left - box.left + 1, b.right - box.left - 1];",
        svg,
        first,
        last,
    )
    half = svg.size["width"] / 2
    chain = ActionChains(driver).move_to_element_with_offset(svg, int(x0 - half), 0).click_and_hold()
    chain.move_by_offset(int((x1 - x0) / 2), 0).move_by_offset(int(x1 - x0) - int((x1 - x0) / 2), 0).release().perform()


def seeds(driver) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.find_element("id", "kg-place").send_keys("Homs", Keys.TAB)
    _settle(driver)
    capture = driver.execute_script(
        "var d = JSON.parse(document.getElementById('kg-data').textContent);"
        "var homs = d.entities.findIndex(e => e.id.endsWith('/place/homs'));"
        "var e = d.events.find(e => e.cls === 'TerritoryCapture' && e.place === homs && e.date);"
        "return e ? e.id : null"
    )
    if capture:
        _click_node(driver, capture)


def large(driver) -> None:
    year = driver.execute_script(
        "var counts = {}; [...document.querySelectorAll('#kg-timeline-svg rect[data-month]')].forEach(r => {"
        " var y = r.dataset.month.slice(0, 4); counts[y] = (counts[y] || 0) + Number(r.getAttribute('height')); });"
        "return Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0]"
    )
    _brush_months(driver, f"{year}-01", f"{year}-12")
    _settle(driver)
    group = driver.execute_script(
        "var g = network.body.data.nodes.get().filter(n => n.kind === 'group' && n.label"
        " && !/sans date|lieu inconnu/.test(n.label));"
        "g.sort((a, b) => b.size - a.size); return g.length ? g[0].id : null"
    )
    if group:
        _click_node(driver, group)
        _settle(driver)
        event = driver.execute_script(
            "var d = JSON.parse(document.getElementById('kg-data').textContent);"
            "var ev = network.body.data.nodes.get().filter(n => n.kind === 'event').map(n => n.id);"
            "var info = id => d.events.find(x => x.id === id);"
            "var best = ev.filter(id => (info(id).date || '').length === 10 && info(id).targets);"
            "var dated = ev.filter(id => (info(id).date || '').length >= 7);"
            "return (best.length ? best : dated.length ? dated : ev)[0]"
        )
        if event:
            _click_node(driver, event)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["seeds", "large"])
    parser.add_argument("page", type=Path, help="a graph.html")
    parser.add_argument("out", type=Path, help="PNG to write")
    parser.add_argument("--size", default="1600x1100", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    driver = _driver(width, height)
    try:
        driver.get(args.page.resolve().as_uri())
        _settle(driver)
        {"seeds": seeds, "large": large}[args.scenario](driver)
        time.sleep(0.5)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(args.out))
        shown = driver.execute_script("return document.getElementById('kg-shown').textContent")
        print(f"wrote {args.out}: {shown}", file=sys.stderr)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
