#!/usr/bin/env python3
"""Checks the structure of `hciattest report -o html`: one self-contained page (no script, style
sheet, font, image or frame fetched; no inline event handler), a viewport for phones, one grid
table with a header row and one row per machine whose cells carry a status class, failing
machines first. Usage: check_html.py PAGE MACHINES"""
import html.parser
import re
import sys

STATUSES = {"fail", "warn", "pass", "skip", "none"}
RANK = {"fail": 0, "warn": 1, "pass": 2, "skip": 3, "none": 4}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems, self.rows, self.viewport, self.grids = [], [], False, 0
        self.in_grid_body, self.row = False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "link", "img", "iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}> in a page that must fetch nothing")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in ("src", "href", "action") and value:
                self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = True
        if tag == "table" and a.get("id") == "grid":
            self.grids += 1
        if tag == "tbody" and self.grids:
            self.in_grid_body = True
        if tag == "tr" and self.in_grid_body:
            self.row = []
        if tag == "td" and self.row is not None:
            cls = a.get("class", "")
            if cls not in STATUSES:
                self.problems.append(f"a grid cell with class {cls!r}")
            self.row.append(cls)

    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        if tag == "tbody":
            self.in_grid_body = False


def main():
    page_path, machines = sys.argv[1], int(sys.argv[2])
    text = open(page_path, encoding="utf-8").read()
    page = Page()
    page.feed(text)
    problems = list(page.problems)
    if re.search(r"@import|url\(", text):
        problems.append("a style that fetches (@import or url())")
    if not page.viewport:
        problems.append("no viewport meta: unreadable on a phone")
    if page.grids != 1:
        problems.append(f"{page.grids} grid tables, not 1")
    if len(page.rows) != machines:
        problems.append(f"{len(page.rows)} machine rows, not {machines}")
    worst = [min((RANK[c] for c in row), default=4) for row in page.rows]
    if worst != sorted(worst):
        problems.append(f"machines not failing-first: {worst}")
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"PASS: self-contained page, {machines} machine rows, failing first")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
