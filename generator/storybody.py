"""A story's body as safe HTML, the same for the site, the form's preview and its review.

Authors write Markdown and may paste HTML; what reaches a reader is rendered by
Python-Markdown and then cleaned by nh3 (an allow-list: no script, no event handlers, no
``javascript:`` links).
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "b", "i", "u", "s", "blockquote", "ul", "ol", "li", "h2", "h3",
    "h4", "h5", "h6", "a", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "abbr", "sup", "sub", "dl", "dt", "dd", "figure", "figcaption", "mark", "small",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}


def render_body(text: str) -> str:
    """Markdown → HTML → nh3: no script, no event handlers, no ``javascript:`` links."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
