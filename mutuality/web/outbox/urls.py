"""The messages' pages: /messages/undelivered/ for admins, /demo/mail/ in the demo only."""

from django.urls import path

from mutuality.web.outbox import views

app_name = "outbox"
urlpatterns = [
    path("messages/undelivered/", views.undelivered, name="undelivered"),
    path("messages/undelivered/<int:pk>/try-again/", views.try_again, name="try-again"),
    path("demo/mail/", views.demo_mailbox, name="demo-mail"),
]
