"""Template helpers of the back office (casework, search, operations, appointments admin)."""

from django import template
from django.utils.html import format_html

register = template.Library()


class TableRegionNode(template.Node):
    def __init__(self, nodelist, label, labelledby):
        self.nodelist, self.label, self.labelledby = nodelist, label, labelledby

    def render(self, context):
        content = self.nodelist.render(context)
        if self.labelledby is not None:
            name = format_html(' aria-labelledby="{}"', self.labelledby.resolve(context))
        else:
            name = format_html(' aria-label="{}"', self.label.resolve(context))
        return format_html(
            '<div class="table-region" role="region" tabindex="0"{}>{}</div>', name, content
        )


@register.tag
def tableregion(parser, token):
    """``{% tableregion labelledby="history-heading" %}<table>…</table>{% endtableregion %}``
    (or ``{% tableregion label=page_title %}``).

    A wide table scrolls sideways inside this region instead of widening the page (WCAG
    1.4.10 reflow); the region is focusable, so keyboard users can scroll it with the arrow
    keys, and labelled, so screen readers say what it holds.
    """
    bits = token.split_contents()[1:]
    options = dict(bit.split("=", 1) for bit in bits)
    if set(options) not in ({"label"}, {"labelledby"}):
        raise template.TemplateSyntaxError("tableregion takes label=… or labelledby=…")
    nodelist = parser.parse(("endtableregion",))
    parser.delete_first_token()
    label = parser.compile_filter(options["label"]) if "label" in options else None
    labelledby = parser.compile_filter(options["labelledby"]) if "labelledby" in options else None
    return TableRegionNode(nodelist, label, labelledby)
