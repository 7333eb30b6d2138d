from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from ppr.accounts import views as account_views

admin.site.site_header = "PPR Sag – administration"
admin.site.site_title = "PPR Sag"
admin.site.index_title = "Organisation og brugere"
# A bulk delete lists every row it would take along before asking, children's names included,
# and skips the per-row checks (ppr.audit.admin.RetireNotDeleteMixin): one row at a time only.
admin.site.disable_action("delete_selected")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says; the static file
    # has a hashed name in production, so the fixed address redirects to it.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico")), name="favicon"),
    path("min-konto/", account_views.account_settings, name="account-settings"),
    path("session/forny/", account_views.keep_alive, name="session-keep-alive"),
    path("session/log-ud-alle-steder/", account_views.logout_everywhere, name="logout-everywhere"),
    path("konto/", include("allauth.urls")),
    path("saml/", include("ppr.saml.urls")),
    path("admin/login/", RedirectView.as_view(pattern_name=settings.LOGIN_URL, query_string=True)),
    path("admin/", admin.site.urls),
    path("log/", include("ppr.audit.urls")),
    path("rettigheder/", include("ppr.accounts.urls")),
    path("sager/", include("cases.urls")),
    path("moeder/", include("meetings.urls")),
    path("indsatser/", include("indsatser.urls")),
    path("rapporter/", include("reports.urls")),
    path("visitation/", include("visitation.urls")),
    path("persondata/", include("rights.urls")),
    path("sletning/", include("lifecycle.urls")),
    path("arkiv/", include("archive.urls")),
    path("frister/", include("ppr.deadlines.urls")),
    path("dokumenter/", include("ppr.documents.urls")),
    path("foraeldre/beskeder/", include("messaging.parent_urls")),
    path("foraeldre/", include("parents.urls")),
    path("beskeder/", include("messaging.urls")),
    path("inddragelse/", include("parents.staff_urls")),
]

handler404 = "ppr.errors.not_found"
handler403 = "ppr.errors.forbidden"
handler500 = "ppr.errors.server_error"
