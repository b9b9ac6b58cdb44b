from django import template

from contrat.charts import format_number

register = template.Library()


@register.filter
def figure(value):
    """A figure in French (decimal comma, grouped thousands, at most 2 decimals)."""
    return format_number(value)


@register.filter
def signed_pct(value):
    """A signed percentage ("+4,2 %", "−12 %"), or a dash."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{format_number(abs(value))}\u202f%"


@register.filter
def dom_id(value):
    """A code usable in an HTML id and a CSS selector ("1.2" → "1-2")."""
    return "".join(c if c.isalnum() else "-" for c in str(value))
