"""URLs of the reports app: each report's module brings its own patterns."""

from mutuality.web.reports.views import relationship, service, transparency

app_name = "reports"
urlpatterns = [
    *relationship.urlpatterns,
    *service.urlpatterns,
    *transparency.urlpatterns,
]
