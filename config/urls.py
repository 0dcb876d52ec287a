from allauth.account import views as account_views
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
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
