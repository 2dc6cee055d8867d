"""Public URLs under the language prefix that are not Wagtail pages (search, applicant services)."""

urlpatterns: list = []
