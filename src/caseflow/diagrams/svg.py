"""The few SVG pieces every picture shares: its frame with a title and a description
for screen readers, escaped text, numbers written short.

Colours and lines are presentation attributes, not ``style``: the web app's
Content-Security-Policy forbids inline styles, and attributes are not styles.
"""

from __future__ import annotations

from markupsafe import Markup, escape

FONT = "system-ui, sans-serif"
INK = "#1a1a1a"  # text: 16:1 on white
GREY = "#595959"  # lines and secondary text: 7:1 on white
MARKED = "#1d4ed8"  # what the picture points out (the path taken, a series): 6.7:1
MARKED_FILL = "#dbeafe"
CURRENT_FILL = "#fde68a"


def n(value: float) -> str:
    """A coordinate, short: one decimal at most."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text(x: float, y: float, content: str, **attributes: str) -> str:
    """A ``<text>`` element; the content is escaped (user text is never markup)."""
    attributes.setdefault("fill", INK)
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attributes.items())
    return f'<text x="{n(x)}" y="{n(y)}" font-family="{FONT}"{extra}>{escape(content)}</text>'


def frame(
    ident: str,
    width: float,
    height: float,
    title: str,
    description: str,
    body: str,
    *,
    left: float = 0.0,
    top: float = 0.0,
) -> Markup:
    """The ``<svg>`` element around ``body``: an image named by its title and described by
    its description (``ident`` makes their ids unique on the page)."""
    view = f"{n(left)} {n(top)} {n(width)} {n(height)}"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view}" width="{n(width)}" '
        f'height="{n(height)}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'class="picture" id="{ident}">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>{body}</svg>'
    )
