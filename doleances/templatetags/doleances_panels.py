from django import template

from doleances.panels import render_complaint_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def complaint_panels(context, complaint):
    """`{% complaint_panels complaint %}`: what apps above add to a complaint's pages."""
    return render_complaint_panels(context.get("request"), complaint)
