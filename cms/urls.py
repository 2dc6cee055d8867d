"""URLs outside the language prefix (sitemap, robots)."""

urlpatterns: list = []
