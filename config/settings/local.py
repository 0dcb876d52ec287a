"""Development settings, used by ``make run`` and plain ``manage.py``."""

from .base import *  # noqa: F403
from .base import envbool

DEBUG = envbool("DJANGO_DEBUG", "True")

# Serve static files straight from static/ and the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
