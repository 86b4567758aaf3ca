"""Charts rendered at build time as inline SVG, always beside a table with the same numbers.

No JavaScript and no third-party chart library: an SVG with a title and description is
readable by screen readers, prints well and makes no requests.
"""

from __future__ import annotations

from html import escape

BAR_COLOUR = "#1a5c8a"  # contrast ≥ 4.5:1 on white (WCAG AA for graphics and text)
TEXT_COLOUR = "#1f1f1f"


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int | float]],
              unit: str = "verhalen") -> str:
    """A horizontal bar chart; ``rows`` are (label, value). Returns one HTML block."""
    if not rows:
        return ""
    label_width, bar_width, row_height = 170, 260, 26
    height = row_height * len(rows) + 10
    width = label_width + bar_width + 60
    biggest = max((value for _label, value in rows), default=0) or 1
    desc = "; ".join(f"{label}: {_fmt(value)} {unit}" for label, value in rows)
    parts = [
        f'<figure class="rv-chart" id="{escape(chart_id)}">',
        f'<svg role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {width} '
        f'{height}" width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * row_height
        length = round(bar_width * value / biggest) if value else 0
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 1)}" height="17" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 17}" font-size="13" '
            f'fill="{TEXT_COLOUR}">{_fmt(value)}</text>'
        )
    parts.append("</svg>")
    parts.append(f"<figcaption>{escape(title)} (de tabel ernaast geeft dezelfde cijfers)"
                 "</figcaption></figure>")
    return "".join(parts)


def _fmt(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".replace(".", ",")
    return str(int(value))
