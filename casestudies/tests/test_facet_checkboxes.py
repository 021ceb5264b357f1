"""The facets' checkboxes rendered in Python are the markup the template's loop rendered."""

from django.template import Context, Template, engines

from casestudies.selectors import Facet, FacetOption

#: templates/casestudies/_facets.html as it was, a loop over the options, kept to compare.
TEMPLATE_LOOP = """{% for facet in facets %}{% if facet.options or facet.errors %}
<div class="govuk-form-group{% if facet.errors %} govuk-form-group--error{% endif %}">
  <fieldset class="govuk-fieldset"{% if not facet.options %} id="{{ facet.name }}"{% endif %}{% if facet.errors %} aria-describedby="{{ facet.name }}-error"{% endif %}>
    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{{ facet.legend }}</legend>
    {% if facet.errors %}<p id="{{ facet.name }}-error" class="govuk-error-message">{% for error in facet.errors %}<span class="govuk-visually-hidden">Error:</span> {{ error }}{% if not forloop.last %}<br>{% endif %}{% endfor %}</p>{% endif %}
    <div class="govuk-checkboxes govuk-checkboxes--small portal-facet" data-module="govuk-checkboxes">
      {% for option in facet.options %}
      <div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input" id="{{ facet.name }}{% if not forloop.first %}-{{ forloop.counter }}{% endif %}" name="{{ facet.name }}" type="checkbox" value="{{ option.value }}"{% if option.selected %} checked{% endif %}>
        <label class="govuk-label govuk-checkboxes__label" for="{{ facet.name }}{% if not forloop.first %}-{{ forloop.counter }}{% endif %}">{{ option.label }} ({{ option.count }})</label>
      </div>
      {% endfor %}
    </div>
  </fieldset>
</div>
{% endif %}{% endfor %}
"""  # noqa: E501


def facets():
    return [
        Facet(
            "borough",
            "Borough",
            [
                FacetOption("barking", "Barking & Dagenham", 12, selected=False),
                FacetOption("b<r>ent", 'Brent "north"', 1, selected=True),
                *(
                    FacetOption(f"area-{n}", f"Area {n}", 1000 + n, selected=n == 7)
                    for n in range(12)
                ),
            ],
        ),
        Facet("approach", "Approach", []),  # no options, no errors: not shown
        Facet("setting", "Setting", [], errors=["Select a setting that exists"]),
        Facet(
            "evidence",
            "Evidence <level>",
            [FacetOption("3", "Level 3", 4, selected=False)],
            errors=["Choose <one>", "Or another & more"],
        ),
    ]


def test_the_checkboxes_are_the_markup_the_template_loop_rendered():
    shown = (
        engines["django"]
        .from_string('{% include "casestudies/_facets.html" with facets=facets %}')
        .render({"facets": facets()})
    )
    before = Template(TEMPLATE_LOOP).render(Context({"facets": facets()}))

    assert shown == "\n" + before
    assert shown.count('type="checkbox"') == 15
    assert 'value="b&lt;r&gt;ent" checked>' in shown
    assert "Choose &lt;one&gt;" in shown
    assert 'id="approach"' not in shown
