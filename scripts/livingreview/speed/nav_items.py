"""Material's navigation: each item rendered once per build and page folder, not once per page.

Material writes the whole navigation into every page, so a plain build renders
pages x items navigation entries through Jinja: at 200 pages the largest single
cost of the floor itself. An item that does not hold the page being rendered
comes out the same on every page whose relative links to it are the same, so
its HTML is kept for the rest of the build and reused.

Written for mkdocs-material's partials/nav-item.html, whose macro
`render(nav_item, path, level, parent)` reads the page only through
`nav_item.active`, `page in nav_item.pages`, `index == page`, `nav_item == page`
and the `url` filter (MkDocs' `normalize_url`, relative to `page.url`); and for
Jinja, whose compiled template defines a macro by calling the `Macro` its module
namespace holds. Anything the key below cannot vouch for renders as usual.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from jinja2 import Environment, Template
from jinja2.runtime import Macro
from mkdocs.theme import Theme
from mkdocs.utils import _get_norm_url, _norm_parts

NAV_ITEM_TEMPLATE = "partials/nav-item.html"
MACRO = "render"

Key = tuple[Any, ...]


def install(theme: Theme) -> None:
    """Every Jinja environment `theme.get_env()` makes keeps the navigation items it renders."""
    make_env = theme.get_env

    def get_env() -> Environment:
        env = make_env()
        _keep_nav_items(env)
        return env

    theme.get_env = get_env  # type: ignore[method-assign]  # this theme object only, i.e. this build


def _keep_nav_items(env: Environment) -> None:
    kept: dict[Key, str] = {}  # this environment's renders, i.e. this build's
    below: dict[int, frozenset[tuple[str, ...]] | None] = {}  # item -> every prefix of the links under it
    get_template = env.get_template

    def get_template_keeping(name: Any, parent: str | None = None, globals: Any = None) -> Template:
        template = get_template(name, parent, globals)
        if template.name == NAV_ITEM_TEMPLATE and not getattr(template, "_livingreview_kept", False):
            _define_keeping_macros(template, kept, below)
        return template

    env.get_template = get_template_keeping  # type: ignore[method-assign]


def _define_keeping_macros(template: Template, kept: dict[Key, str],
                           below: dict[int, frozenset[tuple[str, ...]] | None]) -> None:
    """The template's macros, defined each time a page imports it, become KeptMacros bound to that page."""
    namespace = template.root_render_func.__globals__
    render_module: Callable[[Any], Any] = template.root_render_func

    def root(context: Any) -> Any:
        page = context.get("page")
        namespace["Macro"] = Macro if page is None else functools.partial(KeptMacro, kept, below, page)
        yield from render_module(context)

    template.root_render_func = root  # type: ignore[method-assign]
    template._livingreview_kept = True  # type: ignore[attr-defined]


class KeptMacro(Macro):
    """Material's `render` macro, answering from the build's kept HTML where the key allows."""

    def __init__(self, kept: dict[Key, str], below: dict[int, frozenset[tuple[str, ...]] | None], page: Any,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept, self._below, self._page = kept, below, page

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        key = self._key(args) if self.name == MACRO and not kwargs else None
        if key is None:
            return super().__call__(*args, **kwargs)
        html = self._kept.get(key)
        if html is None:
            html = self._kept[key] = super().__call__(*args)
        return html

    def _key(self, args: tuple[Any, ...]) -> Key | None:
        """What the item's HTML depends on, or None when it may depend on more.

        A link to T from a page at P (its URL in parts, as MkDocs' get_relative_url
        reads it) climbs len(P) - common(P, T) folders: the same for every page in P's
        folder unless T lies under P itself. So an item the page is not in, with no
        link under the page's own URL, renders alike for the whole folder.
        """
        if len(args) not in (3, 4):
            return None
        item, path, level = args[:3]
        parent = args[3] if len(args) == 4 else None
        if getattr(item, "active", True) or hasattr(item, "pages"):
            return None
        prefixes = self._below.get(id(item), ...)
        if prefixes is ...:
            prefixes = self._below[id(item)] = _link_prefixes(item)
        if prefixes is None:
            return None
        where = _page_parts(self._page.url)
        if where in prefixes:  # the home page, or a link below this page
            return None
        return id(item), path, level, bool(getattr(parent, "active", False)), where[:-1], len(where)


def _page_parts(url: str) -> tuple[str, ...]:
    """The page's URL as get_relative_url reads it: a last part with a dot is a file name, dropped."""
    folder, _, name = url.rpartition("/")
    return tuple(_norm_parts(folder if "." in name else url))


def _link_prefixes(item: Any) -> frozenset[tuple[str, ...]] | None:
    """Every prefix of every relative link the item's HTML holds (its own and its children's), or None if
    one cannot be read."""
    prefixes: set[tuple[str, ...]] = set()
    stack = [item]
    while stack:
        node = stack.pop()
        url = getattr(node, "url", None)
        if url is not None:
            if not isinstance(url, str):
                return None
            _, level = _get_norm_url(url)
            if level != -1:  # not absolute: made relative to the page
                parts = tuple(_norm_parts(url))
                prefixes.update(parts[:n] for n in range(len(parts) + 1))
        stack.extend(getattr(node, "children", None) or ())
    return frozenset(prefixes)
