from django import template

from casestudies.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown(text):
    """{{ case_study.challenge|markdown }}: Markdown rendered and sanitised."""
    return render_markdown(text)
