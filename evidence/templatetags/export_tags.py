"""Template tags of exports: whether the viewer may export (``evidence.rules.can_export``, the pages' and API's rule).

``rules``' own ``has_perm`` tag goes through ``user.has_perm``, which Django answers True for any superuser;
a consultation's exports are for its secretariat (and observers where allowed) only, superusers included.
"""

from django import template

from evidence.rules import can_export

register = template.Library()


@register.simple_tag
def may_export(user, consultation) -> bool:
    return can_export(user, consultation)
