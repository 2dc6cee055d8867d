"""Generated letters are personal data: they live under PRIVATE_MEDIA_ROOT, outside the web root."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """File storage below ``settings.PRIVATE_MEDIA_ROOT``, read at use (tests may change it)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def base_url(self):
        return None


def private_storage() -> PrivateStorage:
    return PrivateStorage()
