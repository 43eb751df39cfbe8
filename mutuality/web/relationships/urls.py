"""URLs of the relationships app: each feature module brings its own patterns."""

from mutuality.web.relationships.views import (
    assessment,
    audit_log,
    dashboard,
    details,
    outcomes,
    people,
    private_worries,
    questions,
    records,
    safety,
)

app_name = "relationships"
urlpatterns = [
    *dashboard.urlpatterns,
    *assessment.urlpatterns,
    *outcomes.urlpatterns,
    *people.urlpatterns,
    *details.urlpatterns,
    *questions.urlpatterns,
    *records.urlpatterns,
    *private_worries.urlpatterns,
    *audit_log.urlpatterns,
    *safety.urlpatterns,
]
