"""Template helpers for commitments: the traffic light and the description.

A description in Markdown is rendered without raw HTML (markdown-it's
``html`` option off) and then cleaned with nh3 to a short list of tags, so a
description can never carry a script, a style or an event handler (the
Content-Security-Policy would refuse them anyway).
"""

import nh3
from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from gcmhub.commitments import flags

register = template.Library()

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "h5", "h6"}


@register.filter
def description_html(commitment) -> str:
    if commitment.description_format == "markdown":
        html = _markdown.render(commitment.description)
        # Headings inside a description sit below the page's own h1/h2.
        for level in (1, 2):
            html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
        return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}))  # noqa: S308 - cleaned by nh3
    return linebreaks(commitment.description, autoescape=True)


@register.inclusion_tag("commitments/includes/light.html")
def traffic_light(commitment):
    """The light and the flags behind it, with text (colour is never the only sign)."""
    commitment_flags = flags.commitment_flags(commitment)
    light = flags.commitment_light(commitment)
    return {
        "light": light,
        "light_label": flags.LIGHT_LABELS[light],
        "flags": [flags.FLAG_LABELS[flag] for flag in commitment_flags],
    }
