from allauth.account import views as account_views
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    # The admin signs in through allauth's form like everyone else, so staff give their second factor there too:
    # the admin's own login form would accept the password alone.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin-login"),
    path("admin/", admin.site.urls),
    # allauth's sign-in and sign-out, also under the names the pages and tests use ("login", "logout").
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves the page's start-up script from a URL of its own (?script): no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("consultation.api.urls")),
    path("api/v1/consultations/<slug:slug>/", include("evidence.api.urls")),
    path("api/v1/", include("evidence.api.urls_export_jobs")),
    path("", include("consultation.urls")),
    path("", include("evidence.urls")),
]
